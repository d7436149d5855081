"""Social value and the price list: hours × price by hand, edits with history, refusals."""

import json

from bs4 import BeautifulSoup
from sqlmodel import func, select

from db.models import PriceEntry
from services.auth import service as auth
from services.monitoring import prices
from services.monitoring.value import value_section
from tests.monitoring_helpers import hours, initiative
from tests.test_web_auth import web_login


def _rows(section: dict, *names: str) -> dict[str, dict]:
    return {row["name"]: row for row in section["by_initiative"] if row["name"] in names}


def test_value_is_hours_times_the_price_of_the_first_theme(session):
    before = value_section(session, code="GM0392")
    before_all = value_section(session, code=None)
    # A: first theme caregiver support → informal-care hour (default € 18,80), 2 people.
    care = initiative(session, name="Waardetest Mantelzorg",
                      themes=("caregiver_support", "elderly_care"))
    hours(session, care, [(9001, 4.0), (9002, 3.5)])
    # B: first theme elderly care → volunteer hour, which Haarlem set to € 20,00; 5 people.
    elderly = initiative(session, name="Waardetest Ouderen",
                         themes=("elderly_care", "caregiver_support"))
    hours(session, elderly, [(9100 + i, 2.0) for i in range(5)])
    # Rotterdam's own price must not touch Haarlem's hours.
    session.add(PriceEntry(municipality_code="GM0392", item_code="volunteer_hour",
                           value_cents=2000))
    session.add(PriceEntry(municipality_code="GM0599", item_code="volunteer_hour",
                           value_cents=9900))
    session.flush()

    after = value_section(session, code="GM0392")
    rows = _rows(after, "Waardetest Mantelzorg", "Waardetest Ouderen")
    assert rows["Waardetest Mantelzorg"]["value_eur"] == 141.0  # 7,5 × 18,80
    assert rows["Waardetest Mantelzorg"]["hours"] == 7.5
    assert rows["Waardetest Mantelzorg"]["people"] == "<5"
    assert rows["Waardetest Ouderen"]["value_eur"] == 200.0  # 10 × 20,00
    assert rows["Waardetest Ouderen"]["people"] == 5
    assert round(after["total_eur"] - before["total_eur"], 2) == 341.0
    assert round(after["total_hours"] - before["total_hours"], 2) == 17.5
    activities = {row["item"]: row for row in after["by_activity"]}
    assert activities["volunteer_hour"]["price_eur"] == 20.0
    assert activities["informal_care_hour"]["price_eur"] == 18.8
    themes = {row["theme"]: row for row in after["by_theme"]}
    assert themes["caregiver_support"]["value_eur"] >= 141.0
    listed = {row["item"]: row for row in after["prices"]}
    assert listed["volunteer_hour"]["value_eur"] == 20.0
    assert listed["volunteer_hour"]["is_default"] is False
    assert listed["informal_care_hour"]["is_default"] is True
    assert "Zorginstituut" in listed["informal_care_hour"]["source"]
    # All municipalities: each hour at its own municipality's price.
    everywhere = value_section(session, code=None)
    assert round(everywhere["total_eur"] - before_all["total_eur"], 2) == 341.0
    assert json.loads(json.dumps(after)) == after  # JSON-ready: no Decimals or objects


def _form(client, path="/gemeente/prijslijst") -> dict:
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    form = soup.select_one("main form[method=post]")
    return {field["name"]: field.get("value", "") for field in form.select("input")}


def _count(session) -> int:
    return session.exec(select(func.count(PriceEntry.id))).one()


def test_staff_edit_a_price_see_the_history_and_dutch_errors(client, session):
    web_login(client)
    page = client.get("/gemeente/prijslijst")
    assert page.status_code == 200
    assert "Zorginstituut" in page.text and "prijspeil 2022" in page.text
    assert 'href="/gemeente/prijslijst"' in page.text  # the menu link
    start = _count(session)

    saved = client.post("/gemeente/prijslijst", data=_form(client) | {"volunteer_hour": "21,50"},
                        follow_redirects=True)
    assert saved.status_code == 200 and "De prijslijst is opgeslagen." in saved.text
    assert _count(session) == start + 1
    soup = BeautifulSoup(saved.text, "html.parser")
    assert soup.select_one("#f-volunteer_hour")["value"] == "21,50"
    history = soup.find("caption", string="Alle wijzigingen, nieuwste eerst").find_parent("table")
    first = [td.get_text(strip=True) for td in history.select("tbody tr")[0].select("td, th")]
    assert first[1:] == ["Uur vrijwillige inzet", "€ 18,80", "€ 21,50", "staff@demo.koppel.nl"]

    # One bad field: nothing is written, not even the good change beside it.
    refused = client.post("/gemeente/prijslijst", data=_form(client) | {
        "volunteer_hour": "25", "gp_consult": "veel", "hospital_day": "-3",
        "nursing_home_day": "12,345"})
    assert refused.status_code == 422
    soup = BeautifulSoup(refused.text, "html.parser")
    assert soup.select_one("#e-gp_consult").get_text(strip=True) == \
        "moet een bedrag in euro zijn, bijvoorbeeld 18,80"
    assert soup.select_one("#e-hospital_day").get_text(strip=True) == \
        "moet een bedrag in euro zijn, bijvoorbeeld 18,80"
    assert "twee cijfers" in soup.select_one("#e-nursing_home_day").get_text()
    assert "Huisartsconsult" in soup.select_one(".alert").get_text()
    assert soup.select_one("#f-gp_consult")["value"] == "veel"  # what was typed stays
    assert _count(session) == start + 1
    assert {p.item.code: p.value_cents for p in prices.current(session, "GM0392")}[
        "volunteer_hour"] == 2150

    # An emptied field goes back to the default (a new row: the history keeps everything).
    back = client.post("/gemeente/prijslijst", data=_form(client) | {"volunteer_hour": ""},
                       follow_redirects=True)
    assert back.status_code == 200
    assert _count(session) == start + 2
    assert BeautifulSoup(back.text, "html.parser").select_one("#f-volunteer_hour")["value"] \
        == "18,80"
    # A Dutch thousands separator reads as thousands.
    client.post("/gemeente/prijslijst", data=_form(client) | {"nursing_home_day": "1.250"})
    assert {p.item.code: p.value_cents for p in prices.current(session, "GM0392")}[
        "nursing_home_day"] == 125000


def test_staff_of_another_municipality_cannot_read_or_change_its_list(client, session):
    auth.create_user(session, email="staff-rotterdam@example.org", password="koppel-demo-123",
                     role="staff", municipality="GM0599")
    session.commit()
    web_login(client, email="staff-rotterdam@example.org", password="koppel-demo-123")
    own = client.get("/gemeente/prijslijst")
    assert own.status_code == 200 and "Rotterdam" in own.text
    start = _count(session)
    assert client.get("/gemeente/prijslijst?gemeente=GM0392").status_code == 404
    data = _form(client) | {"volunteer_hour": "30"}
    assert client.post("/gemeente/prijslijst?gemeente=GM0392", data=data).status_code == 404
    assert _count(session) == start
    assert client.get("/gemeente/kaart?gemeente=GM0392").status_code == 200  # own map only
    assert "Rotterdam" in client.get("/gemeente/kaart?gemeente=GM0392").text


def test_roles_without_the_price_list_are_refused(client):
    anonymous = client.get("/gemeente/prijslijst", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    web_login(client, email="broker@demo.koppel.nl")
    assert client.get("/gemeente/prijslijst").status_code == 403
    assert client.get("/gemeente/kaart").status_code == 403
