"""After the introduction: "Is de hulp gelukt?", hours, and what the broker chases."""

from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import HoursLog, Initiative, MailMessage, Match, Need, Volunteer
from db.session import unit_of_work
from db.types import utcnow
from services.brokerage import tasks as brokerage_tasks
from services.notifications import service as notifications
from tests.test_web_auth import csrf_token, web_login


def buuv_need(session) -> Need:
    return session.exec(select(Need).join(Initiative).where(
        Initiative.name == "BUUV", Need.kind == "volunteers")).one()


def sanne(session) -> Volunteer:
    return session.exec(select(Volunteer).where(Volunteer.name == "Sanne de Vries")).one()


def active_match(session, *, days_ago: int = 0) -> Match:
    """An accepted match between BUUV's volunteer need and the demo volunteer."""
    with unit_of_work() as s:
        match = s.exec(select(Match).where(Match.need_id == buuv_need(s).id,
                                           Match.resource_kind == "volunteer",
                                           Match.resource_id == sanne(s).id)).first()
        if match is None:
            match = Match(need_id=buuv_need(s).id, resource_kind="volunteer",
                          resource_id=sanne(s).id, score=0.5, reasons=[], explanation="")
            s.add(match)
        match.status = "active"
        match.answered_at = utcnow() - timedelta(days=days_ago)
        s.flush()
        match_id = match.id
    return session.get(Match, match_id)


def test_follow_up_asks_once_and_the_link_records_the_answer(client, session):
    match = active_match(session, days_ago=15)
    assert brokerage_tasks.follow_ups.apply().get() >= 1
    assert brokerage_tasks.follow_ups.apply().get() == 0  # asked once
    mails = session.exec(select(MailMessage).where(MailMessage.match_id == match.id,
                                                   MailMessage.kind == "follow_up")).all()
    assert [m.to_address for m in mails] == ["volunteer@demo.koppel.nl"]
    assert mails[0].subject.startswith("Is de hulp gelukt?")
    token = notifications.invitation_token(match.id)
    page = BeautifulSoup(client.get(f"/i/{token}/gelukt").text, "html.parser")
    assert page.h1.get_text(strip=True) == "Is de hulp gelukt?"
    answer = client.post(f"/i/{token}/gelukt", data={
        "csrftoken": page.find("input", attrs={"name": "csrftoken"})["value"],
        "outcome": "succeeded"})
    assert "Dank u wel voor uw antwoord" in answer.text
    session.expire_all()
    stored = session.get(Match, match.id)
    assert (stored.status, stored.outcome) == ("done", "succeeded")


def test_recently_accepted_matches_are_not_asked_yet(session):
    match = active_match(session, days_ago=3)
    brokerage_tasks.follow_ups.apply().get()
    assert session.exec(select(MailMessage).where(MailMessage.match_id == match.id)).all() == []


def test_hours_through_the_link_and_the_api(client, session, login_as):
    match = active_match(session)
    token = notifications.invitation_token(match.id)
    form_token = csrf_token(client, f"/i/{token}/uren")
    saved = client.post(f"/i/{token}/uren", data={
        "csrftoken": form_token, "hours": "2,5", "on_date": date.today().isoformat()})
    assert saved.status_code == 200 and "De uren zijn genoteerd" in saved.text
    future = client.post(f"/i/{token}/uren", data={
        "csrftoken": form_token, "hours": "1",
        "on_date": (date.today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 422 and "toekomst" in future.text
    body = {"hours": 3, "on_date": date.today().isoformat(), "note": "Spreekuur"}
    assert login_as("volunteer").post(f"/api/v1/matches/{match.id}/hours",
                                      json=body).status_code == 201
    assert login_as("initiator").post(f"/api/v1/matches/{match.id}/hours",
                                      json=body).status_code == 201
    assert login_as("fund").post(f"/api/v1/matches/{match.id}/hours",
                                 json=body).status_code == 403
    logs = session.exec(select(HoursLog).where(HoursLog.match_id == match.id)).all()
    assert sorted((log.logged_by, log.hours) for log in logs) == [
        ("initiator", 3.0), ("volunteer", 2.5), ("volunteer", 3.0)]


def test_closing_the_need_answers_the_follow_up(admin, session):
    match = active_match(session)
    need = buuv_need(session)
    response = admin.patch(f"/api/v1/initiatives/{need.initiative_id}/needs/{need.id}",
                           json={"status": "fulfilled"})
    assert response.status_code == 200
    session.expire_all()
    assert session.get(Match, match.id).outcome == "succeeded"


def test_broker_chases_unanswered_invitations(client, session):
    match = session.exec(select(Match).where(Match.need_id == buuv_need(session).id,
                                             Match.status == "proposed")).first()
    with unit_of_work() as s:
        row = s.get(Match, match.id)
        row.status, row.decided_at = "approved", utcnow() - timedelta(days=9)
    web_login(client, email="broker@demo.koppel.nl")
    page = BeautifulSoup(client.get("/broker/follow-up").text, "html.parser")
    assert "uitnodiging onbeantwoord" in page.get_text()
    token = csrf_token(client, "/broker/follow-up")
    client.post(f"/broker/matches/{match.id}/reinvite", data={"csrftoken": token})
    kinds = [m.kind for m in session.exec(select(MailMessage).where(
        MailMessage.match_id == match.id))]
    assert "reminder" in kinds
    moved_on = client.post(f"/broker/matches/{match.id}/next", data={"csrftoken": token},
                           follow_redirects=False)
    assert "done=next" in moved_on.headers["location"]
    session.expire_all()
    assert session.get(Match, match.id).status == "declined"
