"""The broker's review queue and match pages (server-rendered, CSRF-protected forms)."""

from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import AuditEvent, Initiative, Match, Need
from tests.test_web_auth import csrf_token, web_login


def queue_rows(client, query: str = "") -> list:
    soup = BeautifulSoup(client.get(f"/broker/queue{query}").text, "html.parser")
    return soup.select("table.queue tbody tr")


def haarlem_match(session, kind: str = "volunteer") -> Match:
    return session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Match.resource_kind == kind,
        Match.status == "proposed").order_by(Match.id)).first()


def test_queue_lists_the_municipality_proposals_with_reasons(client):
    web_login(client, email="broker@demo.koppel.nl")
    soup = BeautifulSoup(client.get("/broker/queue").text, "html.parser")
    assert soup.h1.get_text(strip=True) == "Wachtrij voorstellen"
    rows = soup.select("table.queue tbody tr")
    assert rows
    text = " ".join(rows[0].get_text(" ").split())
    assert "BUUV" in text and ("km" in text or "Past bij" in text or "gemeente" in text)
    for control in soup.select("table.queue select, table.queue input[type=text], "
                               "table.queue input:not([type])"):
        assert soup.find("label", attrs={"for": control["id"]})
    funds_only = queue_rows(client, "?kind=fund")
    assert funds_only and all("Fonds:" in r.get_text() for r in funds_only)


def test_other_municipalities_do_not_see_the_queue_or_the_match(client, session):
    match = haarlem_match(session)
    web_login(client, email="broker-rotterdam@demo.koppel.nl")
    assert all("BUUV" not in r.get_text() for r in queue_rows(client))
    assert client.get(f"/broker/matches/{match.id}").status_code == 404


def test_anonymous_and_other_roles_are_kept_out(client):
    response = client.get("/broker/queue", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    web_login(client, email="fund@demo.koppel.nl")
    assert client.get("/broker/queue").status_code == 403


def test_approve_and_reject_with_a_reason(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    first, second = session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Match.status == "proposed")
        .order_by(Match.id).limit(2)).all()
    token = csrf_token(client, "/broker/queue")
    approved = client.post(f"/broker/matches/{first.id}/approve", data={"csrftoken": token},
                           follow_redirects=False)
    assert approved.status_code == 303 and "done=approved" in approved.headers["location"]
    no_reason = client.post(f"/broker/matches/{second.id}/reject",
                            data={"csrftoken": token}, follow_redirects=False)
    assert "error=reason" in no_reason.headers["location"]
    rejected = client.post(f"/broker/matches/{second.id}/reject", data={
        "csrftoken": token, "reason": "too_far", "note": "Woont te ver"},
        follow_redirects=False)
    assert "done=rejected" in rejected.headers["location"]
    session.expire_all()
    assert session.get(Match, first.id).status == "approved"
    stored = session.get(Match, second.id)
    assert (stored.status, stored.decision_reason, stored.decision_note) == \
        ("rejected", "too_far", "Woont te ver")
    again = client.post(f"/broker/matches/{first.id}/approve", data={"csrftoken": token})
    assert again.status_code == 409


def test_bulk_approve(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    ids = [m.id for m in session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Match.status == "proposed")
        .order_by(Match.id).limit(3)).all()]
    token = csrf_token(client, "/broker/queue")
    response = client.post("/broker/queue/approve",
                           data={"csrftoken": token, "match_id": [str(i) for i in ids]},
                           follow_redirects=False)
    assert "done=approved-3" in response.headers["location"]
    session.expire_all()
    assert {session.get(Match, i).status for i in ids} == {"approved"}


def test_decisions_need_the_csrf_token(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    match = haarlem_match(session)
    assert client.post(f"/broker/matches/{match.id}/approve").status_code == 403


def test_match_detail_shows_both_sides_and_audits_the_volunteer_read(client, session):
    match = haarlem_match(session)
    web_login(client, email="broker@demo.koppel.nl")
    before = len(session.exec(select(AuditEvent).where(
        AuditEvent.subject_type == "volunteer")).all())
    soup = BeautifulSoup(client.get(f"/broker/matches/{match.id}").text, "html.parser")
    assert soup.h1.get_text(strip=True).startswith("Voorstel:")
    assert "Waarom dit voorstel" in soup.get_text()
    assert match.explanation in soup.get_text()
    session.expire_all()
    events = session.exec(select(AuditEvent).where(AuditEvent.subject_type == "volunteer")
                          ).all()
    assert len(events) == before + 1
    assert events[-1].purpose == "beoordeling voorstel"
