"""Beheer: municipalities from the CBS list (CLI, API, web)."""

from bs4 import BeautifulSoup
from sqlmodel import func, select
from typer.testing import CliRunner

from db.models import Municipality
from services.cli import app as cli
from tests.test_web_auth import csrf_token, web_login

runner = CliRunner()


def count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Municipality)).one()


def test_cli_adds_one_then_all_and_a_second_run_adds_nothing(connection, session):
    before = count(session)
    one = runner.invoke(cli, ["municipality", "add", "GM0518"])
    assert one.exit_code == 0, one.output
    assert "GM0518 added: 's-Gravenhage" in one.output
    assert session.get(Municipality, "GM0518").province_code == "PV28"
    again = runner.invoke(cli, ["municipality", "add", "gm0518"])
    assert again.exit_code == 0 and "already present: nothing added" in again.output
    everything = runner.invoke(cli, ["municipality", "add", "--all"])
    assert everything.exit_code == 0, everything.output
    assert f"{342 - before - 1} added, {before + 1} already present, 342 in total" \
        in everything.output
    assert count(session) == 342
    twice = runner.invoke(cli, ["municipality", "add", "--all"])
    assert "0 added, 342 already present, 342 in total" in twice.output
    unknown = runner.invoke(cli, ["municipality", "add", "GM9999"])
    assert unknown.exit_code == 1 and "CBS-lijst" in unknown.output


def test_api_lists_onboarded_municipalities_and_only_admins_add(client, admin, login_as):
    listed = client.get("/api/v1/municipalities", params={"limit": 1}).json()
    assert set(listed) >= {"items", "next_cursor"} and len(listed["items"]) == 1
    rest = client.get("/api/v1/municipalities",
                      params={"cursor": listed["next_cursor"]}).json()["items"]
    assert listed["items"][0]["code"] not in {m["code"] for m in rest}
    haarlem = next(m for m in rest + listed["items"] if m["code"] == "GM0392")
    assert haarlem["province_name"] == "Noord-Holland"

    added = admin.post("/api/v1/municipalities", json={"code": "GM0935"})
    assert added.status_code == 201
    assert added.json() | {} == {"code": "GM0935", "name": "Maastricht",
                                 "province_code": "PV31", "province_name": "Limburg"}
    twice = admin.post("/api/v1/municipalities", json={"code": "GM0935"})
    assert twice.status_code == 409 and "al aangesloten" in twice.json()["detail"]
    unknown = admin.post("/api/v1/municipalities", json={"code": "GM9999"})
    assert unknown.status_code == 422
    assert unknown.json()["fields"]["code"] == "deze code staat niet in de CBS-lijst van gemeenten"
    assert login_as("staff").post("/api/v1/municipalities",
                                  json={"code": "GM0014"}).status_code == 403
    assert client.post("/api/v1/municipalities", json={"code": "GM0014"}).status_code == 401


def test_signup_postcode_takes_its_municipality_from_the_cbs_mapping(session):
    from services.auth import signup
    # 1017 is Amsterdam by its boundaries; the place name alone would not tell.
    assert signup.municipality_for(session, "1017", None) == ("GM0363", "")


def test_admin_onboards_in_the_web_with_a_province_filter(client, session):
    web_login(client, email="admin@demo.koppel.nl")
    home = BeautifulSoup(client.get("/beheer").text, "html.parser")
    assert home.h1.get_text(strip=True) == "Beheer"
    assert "van de 342 gemeenten zijn aangesloten" in home.get_text()
    page = client.get("/beheer/gemeenten", params={"provincie": "PV22"})
    soup = BeautifulSoup(page.text, "html.parser")
    rows = soup.select("table.queue tbody tr")
    assert rows and all("Drenthe" in r.get_text() for r in rows)
    assert "Bron: CBS" in soup.select_one(".attribution").get_text()
    token = csrf_token(client, "/beheer/gemeenten")
    added = client.post("/beheer/gemeenten", data={"csrftoken": token, "code": "GM0106"})
    assert "Assen is aangesloten." in added.text
    assert session.get(Municipality, "GM0106").province_code == "PV22"
    refused = client.post("/beheer/gemeenten", data={"csrftoken": token, "code": "GM0106"})
    assert refused.status_code == 422 and "Assen is al aangesloten" in refused.text
    everything = client.post("/beheer/gemeenten/alle", data={"csrftoken": token})
    assert "gemeenten aangesloten." in everything.text
    assert "Alle gemeenten zijn aangesloten." in everything.text
    again = client.post("/beheer/gemeenten/alle", data={"csrftoken": token})
    assert "Alle gemeenten waren al aangesloten; er is niets toegevoegd." in again.text


def test_only_admins_reach_beheer(client):
    web_login(client, email="staff@demo.koppel.nl")
    assert client.get("/beheer").status_code == 403
    assert client.get("/beheer/gemeenten").status_code == 403
