"""Beheer: municipalities from the CBS list (CLI, API, web)."""

import re

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import func, select
from typer.testing import CliRunner

from db.models import AuditEvent, MailMessage, MatchingRun, Municipality, User
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


# Users: invitation, deactivation, role change.

def invite(client, session, email="nieuwe.makelaar@example.nl", role="broker",
           municipality="GM0392"):
    token = csrf_token(client, "/beheer/gebruikers")
    return client.post("/beheer/gebruikers", data={
        "csrftoken": token, "email": email, "name": "Nieuwe Makelaar", "role": role,
        "municipality": municipality}, follow_redirects=True)


def invitation_link(session, email: str) -> str:
    session.expire_all()
    mail = session.exec(select(MailMessage).where(MailMessage.to_address == email,
                                                  MailMessage.kind == "account_invite")).one()
    assert mail.subject == "U bent uitgenodigd voor Koppel"
    assert "als makelaar" in mail.body_text
    return re.search(r"https?://\S+(/welkom/\S+)", mail.body_text).group(1)


def test_invited_broker_sets_a_password_from_the_mail_and_logs_in(client, session):
    web_login(client, email="admin@demo.koppel.nl")
    page = invite(client, session)
    assert "De uitnodiging is verstuurd." in page.text
    row = next(r for r in BeautifulSoup(page.text, "html.parser").select("table.queue tbody tr")
               if "nieuwe.makelaar@example.nl" in r.get_text())
    assert "Makelaar" in row.get_text() and "Uitgenodigd" in row.get_text()
    assert "Gemeente Haarlem" in row.get_text()
    link = invitation_link(session, "nieuwe.makelaar@example.nl")
    client.cookies.clear()
    assert web_login(client, email="nieuwe.makelaar@example.nl",
                     password="geheim-genoeg-1").status_code != 303
    form = client.get(link)
    assert "Welkom bij Koppel" in form.text
    too_short = client.post(link, data={"csrftoken": csrf_token(client, link),
                                        "password": "kort"})
    assert too_short.status_code == 422 and "minstens" in too_short.text
    done = client.post(link, data={"csrftoken": csrf_token(client, link),
                                   "password": "geheim-genoeg-1"}, follow_redirects=False)
    assert done.status_code == 303 and "melding=wachtwoord" in done.headers["location"]
    assert client.get(link).status_code == 404  # the link works once
    assert web_login(client, email="nieuwe.makelaar@example.nl",
                     password="geheim-genoeg-1").status_code == 303
    assert client.get("/broker/queue").status_code == 200


def test_invitation_refuses_a_taken_address_and_a_role_without_its_scope(client):
    web_login(client, email="admin@demo.koppel.nl")
    taken = invite(client, None, email="staff@demo.koppel.nl")
    assert taken.status_code == 422 and "al in gebruik" in taken.text
    no_scope = invite(client, None, email="iemand@example.nl", municipality="")
    assert no_scope.status_code == 422 and "deze rol hoort bij een gemeente" in no_scope.text
    bad_role = invite(client, None, email="iemand@example.nl", role="koning")
    assert bad_role.status_code == 422 and "Rol" in bad_role.text


def test_deactivated_user_cannot_log_in_and_role_change_is_audited(client, session):
    broker = session.exec(select(User).where(User.email == "broker@demo.koppel.nl")).one()
    web_login(client, email="admin@demo.koppel.nl")
    token = csrf_token(client, "/beheer/gebruikers")
    off = client.post(f"/beheer/gebruikers/{broker.id}/actief",
                      data={"csrftoken": token, "actief": "nee"})
    assert "Het account staat op non-actief." in off.text
    other = TestClient(client.app)
    assert web_login(other, email="broker@demo.koppel.nl").status_code != 303
    on = client.post(f"/beheer/gebruikers/{broker.id}/actief",
                     data={"csrftoken": token, "actief": "ja"})
    assert "Het account is weer actief." in on.text
    assert web_login(other, email="broker@demo.koppel.nl").status_code == 303
    changed = client.post(f"/beheer/gebruikers/{broker.id}/rol",
                          data={"csrftoken": token, "role": "staff"})
    assert "De rol is gewijzigd." in changed.text
    session.expire_all()
    assert session.get(User, broker.id).role == "staff"
    events = session.exec(select(AuditEvent).where(AuditEvent.subject_type == "user",
                                                   AuditEvent.subject_id == str(broker.id),
                                                   AuditEvent.action.startswith("user."))
                          .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["user.deactivate", "user.activate", "user.role"]
    assert events[-1].purpose == "rol Makelaar → Medewerker gemeente"
    admin_id = session.exec(select(User.id).where(User.email == "admin@demo.koppel.nl")).one()
    own = client.post(f"/beheer/gebruikers/{admin_id}/actief",
                      data={"csrftoken": token, "actief": "nee"})
    assert own.status_code == 422 and "eigen account" in own.text


# Matching runs.

def test_matching_page_shows_progress_while_a_run_works_and_the_history(client, session):
    session.add(MatchingRun(status="done", needs_total=1200, needs_done=1200,
                            pairs_scored=12345, proposals_written=321, seconds=3.5))
    working = MatchingRun(status="running", needs_total=10, needs_done=4)
    session.add(working)
    session.commit()
    web_login(client, email="admin@demo.koppel.nl")
    page = client.get("/beheer/matching")
    assert page.headers["Refresh"] == "3"
    soup = BeautifulSoup(page.text, "html.parser")
    bar = soup.select_one("progress")
    assert (bar["value"], bar["max"]) == ("4", "10")
    assert "Hulpvragen verwerkt: 4 van 10" in soup.get_text()
    assert not soup.select("form[action='/beheer/matching']")  # no second run meanwhile
    history = " ".join(soup.select_one("table.queue").get_text(" ").split())
    assert "1.200 van 1.200" in history and "12.345" in history and "3,5 seconden" in history
    working.status, working.needs_done = "done", 10
    session.commit()
    idle = client.get("/beheer/matching")
    assert "Refresh" not in idle.headers and "<progress" not in idle.text
    started = client.post("/beheer/matching",
                          data={"csrftoken": csrf_token(client, "/beheer/matching")})
    assert "De matchingronde is gestart." in started.text
    session.expire_all()
    newest = session.exec(select(MatchingRun).order_by(MatchingRun.id.desc())).first()
    assert newest.id > working.id
    web_login(client, email="staff@demo.koppel.nl")
    assert client.get("/beheer/matching").status_code == 403


# Instruments per municipality.

def test_staff_read_and_change_their_own_catalogue_admins_every_catalogue(admin, login_as,
                                                                          session):
    staff = login_as("staff")
    mine = staff.get("/api/v1/instruments").json()
    assert set(mine) == {"items", "next_cursor"} and mine["items"]
    assert {i["municipality"] for i in mine["items"]} == {"GM0392"}
    everything = admin.get("/api/v1/instruments", params={"limit": 200}).json()["items"]
    assert len(everything) > len(mine["items"])
    elsewhere = next(i for i in everything if i["municipality"] != "GM0392")
    own = mine["items"][0]
    changed = staff.patch(f"/api/v1/instruments/{own['id']}",
                          json={"title": "Buurtbudget 2026", "max_amount_eur": 2500})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["max_amount_eur"]) == \
        ("Buurtbudget 2026", 2500)
    assert staff.get(f"/api/v1/instruments/{own['id']}").json()["title"] == "Buurtbudget 2026"
    assert staff.get(f"/api/v1/instruments/{elsewhere['id']}").status_code == 404
    assert staff.patch(f"/api/v1/instruments/{elsewhere['id']}",
                       json={"title": "Niet van mij"}).status_code == 404
    emptied = staff.patch(f"/api/v1/instruments/{own['id']}", json={"title": None})
    assert emptied.status_code == 422 and emptied.json()["fields"]["title"]
    assert admin.patch(f"/api/v1/instruments/{elsewhere['id']}",
                       json={"desk_name": "Loket Wmo"}).status_code == 200
    assert login_as("broker").get("/api/v1/instruments").status_code == 403
