"""The public board of needs: filters, distance, pages with a total, and offers of help."""

import pytest
from sqlmodel import select

from db.models import MailMessage, Match, OutboxMessage
from tests.factories import initiative_payload, need_payload
from tests.test_web_auth import csrf_token, web_login

# The demo's open, public needs of published initiatives, counted by hand from initiatives.json.
DEMO_TOTAL = 48
BUUV_NEEDS = {"Vrijwillige makelaars voor spreekuren en matches",
              "Structurele bijdrage aan de makelaars en de marktplaats"}
CARER_NEEDS = {"Het stappenplan bij meer mantelzorgers brengen",
               "Aandacht voor overbelaste mantelzorgers",
               "Mensen voor een kring rond een mantelzorger",
               "Advies over samenwerken met mantelzorgers"}


def board(client, query: str = "") -> dict:
    response = client.get(f"/api/v1/needs?{query}")
    assert response.status_code == 200, response.text
    return response.json()


def titles(client, query: str) -> set[str]:
    return {item["title"] for item in board(client, f"{query}&limit=100")["items"]}


def walk(client, query: str, limit: int) -> list[dict]:
    items, cursor = [], None
    while True:
        page = board(client, f"{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def add_initiative(admin, **extra) -> dict:
    response = admin.post("/api/v1/initiatives", json=initiative_payload(**extra))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def linde(admin) -> dict:
    """A published initiative with a contact address and needs of every visibility and state."""
    return add_initiative(admin, name="Buurtkamer De Linde", contact_email="linde@example.nl",
                          contact_name="Ans", needs=[
                              need_payload(title="Gastvrouwen voor de zondagsoep",
                                           skills=["cooking"], hours_per_week=3),
                              need_payload(title="Hulp voor een buurvrouw met zondagsoep",
                                           visibility="brokers"),
                              need_payload(title="Afgeronde zondagsoep", status="fulfilled"),
                              need_payload(kind="start_grant", title="Geld voor zondagsoep"),
                          ])


def test_anyone_sees_the_open_public_needs_with_labels_and_total(client):
    page = board(client, "limit=100")
    assert page["total"] == DEMO_TOTAL == len(page["items"])
    assert page["next_cursor"] is None
    first = page["items"][0]
    assert set(first) >= {"id", "title", "description", "kind", "kind_label", "skills",
                          "skill_labels", "hours_per_week", "initiative_id", "initiative_name",
                          "municipality", "municipality_name", "pc4", "place", "created_at"}


def test_private_closed_and_unpublished_needs_stay_off_the_board(client, admin, linde):
    hidden_initiative = add_initiative(admin, name="Verborgen soepkeuken", published=False,
                                       needs=[need_payload(title="Geheime zondagsoep")])
    assert titles(client, "q=zondagsoep") == {"Gastvrouwen voor de zondagsoep",
                                             "Geld voor zondagsoep"}
    hidden = [n["id"] for n in linde["needs"] if n["visibility"] == "brokers" or
              n["status"] != "open"] + [hidden_initiative["needs"][0]["id"]]
    assert len(hidden) == 3
    for need_id in hidden:
        assert client.get(f"/hulpvragen/{need_id}").status_code == 404


def test_filters_on_kind_skill_and_municipality(client):
    volunteers = board(client, "need_kind=volunteers&limit=100")
    assert volunteers["total"] == 12
    assert {item["kind_label"] for item in volunteers["items"]} == {"Vrijwilligers, handen"}
    transport = titles(client, "skill=transport")
    assert transport == {"Vrijwilligers voor ophalen en terugbrengen van de was",
                         "Dorpsgenoten die een handje helpen",
                         "Vrijwilligers voor fondsenwerving en vervoer"}
    assert titles(client, "municipality=GM0392") == BUUV_NEEDS


def test_radius_and_nearest_first_with_distances(client):
    near = board(client, "pc4=2011&radius_km=5&limit=100")
    assert {item["title"] for item in near["items"]} == BUUV_NEEDS
    assert all(item["distance_km"] <= 5 for item in near["items"])
    nearest = walk(client, "pc4=2011&sort=nearest", 7)
    assert len(nearest) == DEMO_TOTAL
    assert {item["title"] for item in nearest[:2]} == BUUV_NEEDS
    distances = [item["distance_km"] for item in nearest if item["distance_km"] is not None]
    assert distances == sorted(distances) and distances[0] == 0.0
    # Needs of national initiatives have no place: last.
    assert all(item["distance_km"] is None for item in nearest[len(distances):])


def test_newest_first_pages_visit_every_need_once(client, admin, linde):
    items = walk(client, "sort=newest", 9)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == DEMO_TOTAL + 2
    assert ids == sorted(ids, reverse=True)
    assert items[0]["title"] == "Geld voor zondagsoep"


@pytest.mark.parametrize("query", ["sort=nearest", "radius_km=5", "limit=0", "limit=101",
                                   "sort=oldest", "skill=toveren", "pc4=0999", "cursor=xyz",
                                   "colour=blue"])
def test_strict_parameters_answer_in_the_one_error_shape(client, query):
    response = client.get(f"/api/v1/needs?{query}")
    assert response.status_code == 422, query
    assert response.json()["detail"]


def test_words_and_misspelt_words_find_needs(client):
    assert titles(client, "q=mantelzorgers") == CARER_NEEDS
    typo = board(client, "q=mantelzrog&limit=100")
    assert {item["title"] for item in typo["items"]} == CARER_NEEDS
    assert typo["did_you_mean"] == "mantelzorg"
    assert board(client, "q=mantelzorg")["did_you_mean"] is None


def test_a_volunteer_offers_help_once_and_the_initiative_gets_a_mail(login_as, session, linde):
    need = next(n for n in linde["needs"] if n["title"].startswith("Gastvrouwen"))
    volunteer = login_as("volunteer")
    response = volunteer.post(f"/api/v1/needs/{need['id']}/offers-of-help",
                              json={"message": "Ik kan op zondag."})
    assert response.status_code == 201, response.text
    offered = response.json()
    assert offered["status"] == "offered" and offered["status_label"] == "Aangeboden"
    assert offered["resource_kind"] == "volunteer"
    assert offered["explanation"] == "Aangeboden door de vrijwilliger zelf: “Ik kan op zondag.”"

    again = volunteer.post(f"/api/v1/needs/{need['id']}/offers-of-help")
    assert again.status_code == 409
    assert "al hulp aangeboden" in again.json()["detail"]
    pair = session.exec(select(Match).where(
        Match.need_id == need["id"], Match.resource_kind == "volunteer",
        Match.resource_id == offered["resource_id"])).all()
    assert [m.status for m in pair] == ["offered"]

    mail = session.exec(select(MailMessage).where(MailMessage.match_id == offered["id"])).one()
    assert mail.to_address == "linde@example.nl"
    assert mail.subject == "Iemand wil helpen bij Gastvrouwen voor de zondagsoep"
    assert f"/mijn/initiatief/vragen/{need['id']}" in mail.body_text
    assert "Beste Ans" in mail.body_text and "3 uur per week" in mail.body_text
    queued = session.exec(select(OutboxMessage)).all()
    assert any(message.payload.get("mail_id") == mail.id for message in queued)


def test_the_broker_sees_the_offered_match_with_its_status(client, login_as, session, linde):
    need = next(n for n in linde["needs"] if n["title"].startswith("Gastvrouwen"))
    offered = login_as("volunteer").post(f"/api/v1/needs/{need['id']}/offers-of-help").json()
    web_login(client, email="broker@demo.koppel.nl")
    page = client.get(f"/broker/matches/{offered['id']}")
    assert page.status_code == 200
    assert "Status: Aangeboden" in page.text
    assert "Aangeboden door de vrijwilliger zelf" in page.text
    assert client.get("/broker/queue").status_code == 200


def test_only_volunteers_offer_help_and_only_on_the_board(client, login_as, linde):
    by_title = {n["title"]: n["id"] for n in linde["needs"]}
    open_need = by_title["Gastvrouwen voor de zondagsoep"]
    assert client.post(f"/api/v1/needs/{open_need}/offers-of-help").status_code == 401
    for role in ("initiator", "broker", "fund"):
        assert login_as(role).post(
            f"/api/v1/needs/{open_need}/offers-of-help").status_code == 403, role
    volunteer = login_as("volunteer")
    for title in ("Hulp voor een buurvrouw met zondagsoep", "Afgeronde zondagsoep"):
        assert volunteer.post(f"/api/v1/needs/{by_title[title]}/offers-of-help") \
            .status_code == 404, title
    money = volunteer.post(f"/api/v1/needs/{by_title['Geld voor zondagsoep']}/offers-of-help")
    assert money.status_code == 409
    assert volunteer.post("/api/v1/needs/2147483647/offers-of-help").status_code == 404


def test_a_message_with_a_bsn_is_refused(login_as, linde):
    need = next(n for n in linde["needs"] if n["title"].startswith("Gastvrouwen"))
    response = login_as("volunteer").post(f"/api/v1/needs/{need['id']}/offers-of-help",
                                          json={"message": "Mijn BSN is 111222333"})
    assert response.status_code == 422
    assert response.json()["fields"]["message"]


def test_the_web_board_counts_and_offers_help(client, linde):
    page = client.get("/hulpvragen?need_kind=volunteers")
    assert page.status_code == 200 and "13 hulpvragen gevonden" in page.text
    need = next(n for n in linde["needs"] if n["title"].startswith("Gastvrouwen"))
    anonymous = client.get(f"/hulpvragen/{need['id']}").text
    assert f"/login?next=%2Fhulpvragen%2F{need['id']}" in anonymous and "/aanmelden" in anonymous
    assert "Buurtkamer De Linde" in anonymous and "3 uur per week" in anonymous

    web_login(client, email="volunteer@demo.koppel.nl")
    form_page = client.get(f"/hulpvragen/{need['id']}").text
    assert "Ik wil helpen" in form_page
    token = csrf_token(client, f"/hulpvragen/{need['id']}")
    first = client.post(f"/hulpvragen/{need['id']}/helpen", data={"csrftoken": token},
                        follow_redirects=True)
    assert "Bedankt! Uw aanbod is verstuurd." in first.text
    second = client.post(f"/hulpvragen/{need['id']}/helpen", data={"csrftoken": token},
                         follow_redirects=True)
    assert "U heeft al hulp aangeboden" in second.text


def test_other_roles_read_why_they_cannot_offer(client, linde):
    need = next(n for n in linde["needs"] if n["title"].startswith("Gastvrouwen"))
    web_login(client, email="broker@demo.koppel.nl")
    text = client.get(f"/hulpvragen/{need['id']}").text
    assert "Alleen vrijwilligers kunnen hier hulp aanbieden" in text
    assert "ingelogd als makelaar" in text


def test_the_web_board_suggests_a_spelling(client):
    page = client.get("/hulpvragen?q=mantelzrog").text
    assert "Bedoelde u" in page and "q=mantelzorg" in page
    assert "4 hulpvragen gevonden" in page
