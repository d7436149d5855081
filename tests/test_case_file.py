"""A need's case file: the timeline in order, notes (BSN, scope, retention), contacts only after
both sides said yes."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from core.config import get_settings
from db.models import (
    AuditEvent,
    CaseNote,
    Initiative,
    MailMessage,
    Match,
    Need,
    Volunteer,
)
from db.session import unit_of_work
from db.types import utcnow
from services.brokerage import tasks as brokerage_tasks
from services.brokerage.timeline import timeline
from services.notifications import service as notifications
from services.people import retention
from tests.test_follow_up import buuv_need, sanne
from tests.test_web_auth import csrf_token, web_login

BSN = "111222333"  # passes the eleven-test


def fresh_case() -> dict[str, int]:
    """A Haarlem initiative with one need and two proposed volunteers, all of this test."""
    with unit_of_work() as s:
        initiative = Initiative(name="Tuinclub Dossier", sort_name="tuinclub dossier",
                                scope="local", municipality_code="GM0392", pc4="2011",
                                contact_name="Ria Tuin", contact_email="ria@tuinclub.example")
        s.add(initiative)
        s.flush()
        need = Need(initiative_id=initiative.id, kind="volunteers", title="Hulp bij de moestuin",
                    description="Wieden op zaterdag.")
        s.add(need)
        s.flush()
        ids = {"initiative": initiative.id, "need": need.id}
        for key, name, phone in (("first", "Piet Spade", "0612345678"),
                                 ("second", "Anna Hark", "0687654321")):
            volunteer = Volunteer(municipality_code="GM0392", name=name, pc4="2011",
                                  email=f"{name.split()[0].lower()}@example.org", phone=phone)
            s.add(volunteer)
            s.flush()
            match = Match(need_id=need.id, resource_kind="volunteer", resource_id=volunteer.id,
                          score=0.7 if key == "first" else 0.6, reasons=[],
                          explanation="kan tuinieren", status="proposed")
            s.add(match)
            s.flush()
            ids[key] = match.id
    return ids


def kinds(items) -> list[str]:
    return [item["kind"] if isinstance(item, dict) else item.kind for item in items]


def follow_the_case(client, ids: dict[str, int], monkeypatch) -> None:
    """Reject the first proposal with a reason and note, approve the second, the volunteer
    accepts and logs hours by link, Koppel asks "Is de hulp gelukt?" and gets a yes."""
    web_login(client, email="broker@demo.koppel.nl")
    token = csrf_token(client, f"/broker/matches/{ids['first']}")
    client.post(f"/broker/matches/{ids['first']}/reject", data={
        "csrftoken": token, "reason": "too_far", "note": "woont aan de andere kant van de stad"})
    client.post(f"/broker/matches/{ids['second']}/approve", data={"csrftoken": token})
    link = notifications.invitation_token(ids["second"])
    client.post(f"/i/{link}/accept", data={"csrftoken": csrf_token(client, f"/i/{link}/accept")})
    client.post(f"/i/{link}/uren", data={"csrftoken": csrf_token(client, f"/i/{link}/uren"),
                                         "hours": "2,5", "on_date": date.today().isoformat(),
                                         "note": "Bedden gewied"})
    monkeypatch.setattr(get_settings(), "follow_up_after_days", -1)
    assert brokerage_tasks.follow_ups.apply().get() >= 1
    client.post(f"/i/{link}/gelukt", data={
        "csrftoken": csrf_token(client, f"/i/{link}/gelukt"), "outcome": "succeeded"})


def test_the_timeline_tells_the_case_in_order_newest_first(client, session, login_as,
                                                           monkeypatch):
    ids = fresh_case()
    follow_the_case(client, ids, monkeypatch)
    assert login_as("broker").post(f"/api/v1/needs/{ids['need']}/notes",
                                   json={"text": "Ria belt zelf na"}).status_code == 201
    answer = login_as("broker").get(f"/api/v1/needs/{ids['need']}/timeline")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert all(set(item) == {"at", "kind", "actor", "text"} for item in items)
    steps = [k for k in kinds(items) if not k.startswith("mail_")]
    assert steps == ["case_note", "follow_up_answered", "follow_up_asked", "hours_logged",
                     "match_accepted", "match_approved", "match_rejected", "match_proposed",
                     "match_proposed", "need_posted"]
    ats = [item["at"] for item in items]
    assert ats == sorted(ats, reverse=True)
    by_kind = {item["kind"]: item for item in items}
    rejected = by_kind["match_rejected"]
    assert "Piet Spade" in rejected["text"] and "Te ver weg" in rejected["text"]
    assert "woont aan de andere kant van de stad" in rejected["text"]
    assert rejected["actor"].startswith("Demo broker")
    assert by_kind["match_accepted"]["actor"] == "Anna Hark"
    assert "2,5 uur" in by_kind["hours_logged"]["text"]
    assert "Bedden gewied" in by_kind["hours_logged"]["text"]
    assert "de hulp is gelukt" in by_kind["follow_up_answered"]["text"]
    assert by_kind["need_posted"]["actor"] == "Initiatief Tuinclub Dossier"
    assert by_kind["case_note"]["text"] == "Notitie: Ria belt zelf na"
    # The web page shows the same steps in the same order.
    page = BeautifulSoup(client.get(f"/broker/zaken/{ids['need']}").text, "html.parser")
    shown = [li["data-kind"] for li in page.select("ol.timeline li")]
    assert shown == kinds(items)
    statuses = {row["id"]: " ".join(row.get_text(" ").split())
                for row in page.select("table.queue tbody tr")}
    assert "Afgewezen" in statuses[f"voorstel-{ids['first']}"]
    assert "Afgerond" in statuses[f"voorstel-{ids['second']}"]


def test_mails_sent_failed_and_bounced_are_on_the_timeline(session):
    ids = fresh_case()
    now = utcnow()
    with unit_of_work() as s:
        s.get(Match, ids["second"]).status = "approved"
        for n, (sent, failed, error) in enumerate(((now, None, None),
                                                   (None, now, "550 mailbox unavailable"),
                                                   (None, now, "Connection refused"))):
            s.add(MailMessage(match_id=ids["second"], kind=("invitation", "reminder",
                                                            "initiator_notice")[n],
                              to_address=f"x{n}@example.org", subject="s", body_text="",
                              body_html="", sent_at=sent, failed_at=failed, last_error=error))
    items = timeline(session, ids["need"])
    assert {"mail_sent", "mail_bounced", "mail_failed"} <= set(kinds(items))
    texts = {item.kind: item.text for item in items}
    assert texts["mail_sent"] == "Uitnodiging verstuurd aan Anna Hark"
    assert "geweigerd" in texts["mail_bounced"]


def test_notes_refuse_a_bsn_empty_or_too_long_text_in_dutch(login_as, session):
    ids = fresh_case()
    broker = login_as("broker")
    path = f"/api/v1/needs/{ids['need']}/notes"
    bsn = broker.post(path, json={"text": f"Cliënt {BSN} belde"})
    assert bsn.status_code == 422 and "burgerservicenummer" in bsn.json()["fields"]["text"]
    assert broker.post(path, json={"text": ""}).json()["fields"]["text"] == "mag niet leeg zijn"
    too_long = broker.post(path, json={"text": "a" * 1001})
    assert too_long.status_code == 422 and too_long.json()["fields"]["text"] == "is te lang"
    assert session.exec(select(CaseNote).where(CaseNote.need_id == ids["need"])).all() == []
    saved = broker.post(path, json={"text": "Eerst de buurvrouw vragen"})
    assert saved.status_code == 201
    body = saved.json()
    assert body["text"] == "Eerst de buurvrouw vragen" and body["author"].startswith("Demo")


def test_the_web_note_form_shows_the_bsn_refusal_next_to_the_field(client):
    ids = fresh_case()
    web_login(client, email="broker@demo.koppel.nl")
    path = f"/broker/zaken/{ids['need']}"
    refused = client.post(f"{path}/notities", data={"csrftoken": csrf_token(client, path),
                                                    "text": f"BSN {BSN}"})
    assert refused.status_code == 422
    page = BeautifulSoup(refused.text, "html.parser")
    assert "burgerservicenummer" in page.select_one("#e-text").get_text()
    assert page.select_one("#f-text")["aria-invalid"] == "true"
    saved = client.post(f"{path}/notities", data={"csrftoken": csrf_token(client, path),
                                                  "text": "Belt maandag terug"})
    assert "De notitie is opgeslagen" in saved.text
    page = BeautifulSoup(saved.text, "html.parser")
    first = page.select_one("ol.timeline li")
    assert first["data-kind"] == "case_note" and "Belt maandag terug" in first.get_text()


@pytest.mark.parametrize(("who", "status"), [("broker-rotterdam", 404), ("fund", 403),
                                             ("volunteer", 403), ("initiator", 403),
                                             ("consultant", 403)])
def test_outside_the_municipality_or_role_nothing_is_shown(login_as, who, status):
    ids = fresh_case()
    caller = login_as(who)
    assert caller.get(f"/api/v1/needs/{ids['need']}/timeline").status_code == status
    assert caller.post(f"/api/v1/needs/{ids['need']}/notes",
                       json={"text": "mag niet"}).status_code == status


def test_staff_and_admins_read_the_case_and_each_read_is_audited(login_as, client, session):
    ids = fresh_case()
    assert login_as("staff").get(f"/api/v1/needs/{ids['need']}/timeline").status_code == 200
    assert login_as("admin").get(f"/api/v1/needs/{ids['need']}/timeline").status_code == 200
    assert login_as("staff").post(f"/api/v1/needs/{ids['need']}/notes",
                                  json={"text": "Gemeente kijkt mee"}).status_code == 201
    assert client.get(f"/api/v1/needs/{ids['need']}/timeline").status_code == 401
    assert client.get(f"/broker/zaken/{ids['need']}",
                      follow_redirects=False).headers["location"].startswith("/login")
    session.expire_all()
    reads = session.exec(select(AuditEvent).where(AuditEvent.subject_type == "need",
                                                  AuditEvent.subject_id == str(ids["need"]))
                         ).all()
    assert {(e.actor_role, e.purpose) for e in reads} == {("staff", "dossier inzien"),
                                                          ("admin", "dossier inzien")}


def test_a_broker_of_another_municipality_gets_404_on_the_page(client):
    ids = fresh_case()
    web_login(client, email="broker-rotterdam@demo.koppel.nl")
    assert client.get(f"/broker/zaken/{ids['need']}").status_code == 404
    assert "Tuinclub" not in client.get(f"/broker/zaken/{ids['need']}").text


def test_retention_removes_old_notes_and_keeps_recent_ones(session):
    ids = fresh_case()
    with unit_of_work() as s:
        s.add(CaseNote(need_id=ids["need"], municipality_code="GM0392", text="oud",
                       created_at=utcnow() - timedelta(days=800)))
        s.add(CaseNote(need_id=ids["need"], municipality_code="GM0392", text="nieuw"))
    with unit_of_work() as s:
        assert len(retention.apply(s, dry_run=True).notes) == 1
    with unit_of_work() as s:
        report = retention.apply(s, dry_run=False)
    assert "erased 1 case notes: " in "\n".join(report.lines())
    session.expire_all()
    left = session.exec(select(CaseNote.text).where(CaseNote.need_id == ids["need"])).all()
    assert left == ["nieuw"]


def contact_texts(client, ids) -> tuple[str, str]:
    case = client.get(f"/broker/zaken/{ids['need']}").text
    match = client.get(f"/broker/matches/{ids['second']}").text
    return case, match


def test_contacts_show_only_after_both_sides_said_yes(client, session):
    ids = fresh_case()
    web_login(client, email="broker@demo.koppel.nl")
    token = csrf_token(client, f"/broker/matches/{ids['second']}")
    client.post(f"/broker/matches/{ids['second']}/approve", data={"csrftoken": token})
    case, match = contact_texts(client, ids)
    for page in (case, match):
        assert "anna@example.org" not in page and "0687654321" not in page
        assert "ria@tuinclub.example" not in page
    assert "zodra beide kanten ja hebben gezegd" in case
    link = notifications.invitation_token(ids["second"])
    client.post(f"/i/{link}/accept", data={"csrftoken": csrf_token(client, f"/i/{link}/accept")})
    case, match = contact_texts(client, ids)
    for page in (case, match):
        assert "anna@example.org" in page and "0687654321" in page
        assert "ria@tuinclub.example" in page and "Ria Tuin" in page
    # The rejected other proposal never shows its volunteer's contact details.
    assert "piet@example.org" not in case


def test_the_two_sides_see_each_other_only_after_acceptance(client, session, login_as):
    """BUUV's initiator and the demo volunteer on their own pages."""
    need = buuv_need(session)
    volunteer = sanne(session)
    with unit_of_work() as s:
        match = s.exec(select(Match).where(Match.need_id == need.id,
                                           Match.resource_kind == "volunteer",
                                           Match.resource_id == volunteer.id)).first()
        if match is None:
            match = Match(need_id=need.id, resource_kind="volunteer", resource_id=volunteer.id,
                          score=0.5, reasons=[], explanation="")
            s.add(match)
        match.status, match.decided_at = "approved", utcnow()
        buuv = s.get(Initiative, need.initiative_id)
        buuv.contact_name, buuv.contact_email = "Bea Buuv", "bea@buuv.example"
        s.flush()
        match_id = match.id
    initiator, vol = client, login_as("volunteer")

    def pages() -> tuple[str, str]:
        mine = initiator.get(f"/mijn/initiatief/vragen/{need.id}").text
        return mine, vol.get("/mijn/vrijwilliger/koppelingen").text

    web_login(initiator, email="initiator@demo.koppel.nl")
    vol.cookies.clear()
    web_login(vol, email="volunteer@demo.koppel.nl")
    mine, theirs = pages()
    assert volunteer.email not in mine and "Sanne" not in mine
    assert "bea@buuv.example" not in theirs
    link = notifications.invitation_token(match_id)
    client.post(f"/i/{link}/accept", data={"csrftoken": csrf_token(client, f"/i/{link}/accept")})
    mine, theirs = pages()
    assert volunteer.email in mine and volunteer.name in mine
    assert "bea@buuv.example" in theirs and "Bea Buuv" in theirs
    # Still there once the help is done (the match moves to "Afgerond en eerder").
    client.post(f"/i/{link}/gelukt", data={
        "csrftoken": csrf_token(client, f"/i/{link}/gelukt"), "outcome": "succeeded"})
    mine, theirs = pages()
    assert volunteer.email in mine
    past = BeautifulSoup(theirs, "html.parser").select_one(f"#koppeling-{match_id}")
    assert "Afgerond" in past.get_text() and "bea@buuv.example" in past.get_text()
