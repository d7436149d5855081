"""Saved searches: one's own only, filters checked like the list endpoint's, and digests that
mail what is new once (and nothing when nothing is new)."""

from datetime import UTC, datetime, timedelta

import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import MailMessage, SavedSearch
from db.session import unit_of_work
from services.searches import service as searches
from services.searches import tasks
from tests.factories import initiative_payload, need_payload
from tests.test_web_auth import csrf_token, web_login

HAARLEM_COHESION = {"municipality": "GM0392", "theme": "social_cohesion"}


def digests(session, to: str = "broker@demo.koppel.nl") -> list[MailMessage]:
    session.expire_all()
    return list(session.exec(select(MailMessage).where(
        MailMessage.kind == "search_digest", MailMessage.to_address == to)
        .order_by(MailMessage.id)))


def save(client, *, kind="initiatives", filters=None, frequency="daily", name="Haarlem"):
    response = client.post("/api/v1/saved-searches", json={
        "name": name, "kind": kind, "filters": HAARLEM_COHESION if filters is None else filters,
        "frequency": frequency})
    assert response.status_code == 201, response.text
    return response.json()


def publish(admin, name: str, **extra) -> int:
    response = admin.post("/api/v1/initiatives", json=initiative_payload(name=name, **extra))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def run_digests() -> int:
    return tasks.send_digests.apply().get()


def later(days: int):
    return time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)


def test_saved_searches_are_created_listed_and_deleted_by_their_owner_only(login_as):
    broker, fund = login_as("broker"), login_as("fund")
    saved = save(broker, name="Samen in Haarlem")
    theme, place = saved["filter_labels"]
    assert theme.startswith("Thema: ") and place == "Gemeente: Haarlem"
    assert all("GM0392" not in label and "social_cohesion" not in label
               for label in saved["filter_labels"])
    save(fund, kind="needs", filters={"need_kind": "volunteers"}, frequency="weekly",
         name="Vrijwilligers")

    mine = broker.get("/api/v1/saved-searches").json()
    assert [s["name"] for s in mine["items"]] == ["Samen in Haarlem"]
    assert mine["next_cursor"] is None
    theirs = fund.get("/api/v1/saved-searches").json()["items"]
    assert [(s["name"], s["kind"], s["frequency"]) for s in theirs] == [
        ("Vrijwilligers", "needs", "weekly")]

    assert fund.delete(f"/api/v1/saved-searches/{saved['id']}").status_code == 404
    assert fund.patch(f"/api/v1/saved-searches/{saved['id']}",
                      json={"frequency": "weekly"}).status_code == 404
    assert broker.delete(f"/api/v1/saved-searches/{saved['id']}").status_code == 204
    assert broker.get("/api/v1/saved-searches").json()["items"] == []
    assert login_as("volunteer").get("/api/v1/saved-searches").status_code == 403


def test_invalid_filters_are_refused_naming_the_field(login_as):
    broker = login_as("broker")
    for kind, filters, field in [
        ("initiatives", {"theme": "geen-thema"}, "filters.theme"),
        ("initiatives", {"colour": "rood"}, "filters.colour"),
        ("needs", {"skill": "toveren"}, "filters.skill"),
        ("needs", {"radius_km": 5}, "filters.pc4"),
    ]:
        response = broker.post("/api/v1/saved-searches", json={
            "name": "Fout", "kind": kind, "filters": filters, "frequency": "daily"})
        assert response.status_code == 422, (filters, response.text)
        assert field in response.json()["fields"], response.json()
    assert broker.get("/api/v1/saved-searches").json()["items"] == []


def test_a_digest_mails_one_new_item_once_and_nothing_the_day_after(login_as, admin,
                                                                     session):
    save(login_as("broker"), name="Samen in Haarlem")
    assert run_digests() == 0  # nothing new yet: no mail
    assert digests(session) == []

    publish(admin, "Buurtmoestuin Schalkwijk")
    publish(admin, "Moestuin Rotterdam", municipality="GM0599", pc4="3011")  # other place
    assert run_digests() == 1
    assert run_digests() == 0  # the same day again: nothing twice
    [mail] = digests(session)
    assert "Buurtmoestuin Schalkwijk" in mail.body_text
    assert "Moestuin Rotterdam" not in mail.body_text
    assert "1 nieuw initiatief" in mail.subject and "Samen in Haarlem" in mail.subject
    assert "Gemeente: Haarlem" in mail.body_text and "GM0392" not in mail.body_text
    assert "/initiatieven/" in mail.body_text and "/zoekopdrachten/afmelden/" in mail.body_text

    with later(1):
        assert run_digests() == 0
    assert len(digests(session)) == 1


def test_a_needs_digest_lists_new_needs_newest_first(login_as, admin, session):
    fund = login_as("fund")
    save(fund, kind="needs", filters={"municipality": "GM0392", "need_kind": "volunteers"},
         name="Vrijwilligers Haarlem")
    initiative_id = publish(admin, "Repair Café Haarlem")
    for title in ("Gastheer gezocht", "Fietsenmaker gezocht"):
        response = admin.post(f"/api/v1/initiatives/{initiative_id}/needs",
                              json=need_payload(title=title))
        assert response.status_code == 201, response.text
    assert run_digests() == 1
    [mail] = digests(session, "fund@demo.koppel.nl")
    assert "2 nieuwe hulpvragen" in mail.subject
    text = mail.body_text
    assert text.index("Fietsenmaker gezocht") < text.index("Gastheer gezocht")


def test_the_unsubscribe_link_works_without_login_and_stops_digests(client, login_as, admin,
                                                                    session):
    saved = save(login_as("broker"))
    publish(admin, "Buurtmoestuin Schalkwijk")
    assert run_digests() == 1
    link = digests(session)[0].body_text.split("/zoekopdrachten/afmelden/")[1].split()[0]
    path = f"/zoekopdrachten/afmelden/{link}"

    page = BeautifulSoup(client.get(path).text, "html.parser")
    assert page.h1.get_text(strip=True) == "Afmelden voor e-mail"
    done = client.post(path, data={"csrftoken": csrf_token(client, path)})
    assert done.status_code == 200 and "U bent afgemeld" in done.text
    assert client.get("/zoekopdrachten/afmelden/vervalst").status_code == 404

    publish(admin, "Taalcafé Haarlem")
    with later(1):
        assert run_digests() == 0
    assert len(digests(session)) == 1
    assert session.get(SavedSearch, saved["id"]).unsubscribed_at is not None


def test_a_weekly_digest_waits_a_week(login_as, admin, session):
    save(login_as("broker"), frequency="weekly")
    publish(admin, "Buurtmoestuin Schalkwijk")
    assert run_digests() == 0
    with later(1):
        assert run_digests() == 0
    with later(7):
        assert run_digests() == 1
    assert len(digests(session)) == 1


def test_a_search_whose_filters_no_longer_validate_does_not_stop_the_others(login_as, admin,
                                                                           session):
    stale = save(login_as("fund"), name="Oud thema")
    save(login_as("broker"))
    with unit_of_work() as s:
        s.get(SavedSearch, stale["id"]).filters = {"theme": "bestaat-niet-meer"}
    publish(admin, "Buurtmoestuin Schalkwijk")
    assert run_digests() == 1
    assert len(digests(session)) == 1 and digests(session, "fund@demo.koppel.nl") == []


def test_a_broker_saves_the_filters_of_the_list_page(client, session):
    web_login(client, "broker@demo.koppel.nl")
    page = BeautifulSoup(client.get("/?municipality=GM0392&theme=social_cohesion").text,
                         "html.parser")
    form = page.find("form", action="/zoekopdrachten")
    assert form is not None
    data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    data |= {"name": "Samen in Haarlem", "frequency": "daily"}
    done = client.post("/zoekopdrachten", data=data)
    assert done.status_code == 200 and "De zoekopdracht is bewaard" in done.text
    listed = BeautifulSoup(done.text, "html.parser").select_one("ul.saved-searches").get_text()
    assert "Gemeente: Haarlem" in listed and "GM0392" not in listed

    refused = client.post("/zoekopdrachten", data=data | {"name": ""})
    assert refused.status_code == 422
    assert BeautifulSoup(refused.text, "html.parser").select_one("#e-name") is not None
    saved = session.exec(select(SavedSearch)).all()
    assert [s.filters for s in saved] == [HAARLEM_COHESION]


def test_only_funds_and_brokers_are_offered_to_save(client):
    web_login(client, "volunteer@demo.koppel.nl")
    assert "Bewaar deze zoekopdracht" not in client.get("/hulpvragen").text
    assert searches.FREQUENCY_LABELS == {"daily": "Dagelijks", "weekly": "Wekelijks"}
