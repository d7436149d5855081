"""Approval sends a personal invitation by real SMTP; its signed link works without login."""

import re
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from sqlmodel import select

from core.config import get_settings
from core.errors import NotFound
from db.models import Initiative, MailMessage, Match, Need, Volunteer
from db.types import utcnow
from services.notifications import service as notifications
from services.notifications import tasks as mail_tasks
from tests.factories import initiative_payload, need_payload
from tests.helpers import Inbox, free_port, plain_text
from tests.test_web import assert_reads_as_dutch
from tests.test_web_auth import csrf_token, web_login


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("KOPPEL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KOPPEL_SMTP_PORT", str(port))
    get_settings.cache_clear()
    yield inbox
    controller.stop()
    monkeypatch.delenv("KOPPEL_SMTP_HOST")
    monkeypatch.delenv("KOPPEL_SMTP_PORT")
    get_settings.cache_clear()


def volunteer_match(session) -> Match:
    return session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.name == "BUUV", Match.resource_kind == "volunteer",
        Match.status == "proposed").order_by(Match.score.desc(), Match.id)).first()


def approve(client, match_id: int):
    token = csrf_token(client, "/broker/queue")
    return client.post(f"/broker/matches/{match_id}/approve", data={"csrftoken": token},
                       follow_redirects=False)


def test_approval_mails_an_invitation_whose_link_accepts_without_login(client, session, smtp):
    match = volunteer_match(session)
    volunteer = session.get(Volunteer, match.resource_id)
    web_login(client, email="broker@demo.koppel.nl")
    assert approve(client, match.id).status_code == 303
    assert [m["To"] for m in smtp.messages] == [volunteer.email]
    message = smtp.messages[0]
    assert message["Subject"].startswith("Wilt u meedoen?")
    assert message.get_body(preferencelist=("html",)) is not None
    assert_reads_as_dutch(message.get_body(preferencelist=("html",)).get_content())
    assert_reads_as_dutch(plain_text(message))
    link = re.search(r"http://127\.0\.0\.1:8000(/i/[^/\s]+/accept)",
                     plain_text(smtp.messages[0])).group(1)

    client.cookies.clear()  # the volunteer is not logged in
    page = BeautifulSoup(client.get(link).text, "html.parser")
    assert page.h1.get_text(strip=True) == "Wilt u meedoen?"
    token = page.find("input", attrs={"name": "csrftoken"})["value"]
    answered = client.post(link, data={"csrftoken": token})
    assert "Fijn dat u meedoet" in answered.text
    session.expire_all()
    assert session.get(Match, match.id).status == "active"
    assert "Fijn dat u meedoet" in client.post(link, data={"csrftoken": token}).text
    changed_mind = client.post(link.replace("/accept", "/decline"), data={"csrftoken": token})
    assert "al geantwoord" in changed_mind.text
    session.expire_all()
    assert session.get(Match, match.id).status == "active"


def test_an_approval_is_never_mailed_twice(client, session, smtp):
    match = volunteer_match(session)
    web_login(client, email="broker@demo.koppel.nl")
    approve(client, match.id)
    mail = session.exec(select(MailMessage).where(MailMessage.match_id == match.id)).one()
    assert mail_tasks.send_mail.apply(kwargs={"mail_id": mail.id}).get() is False
    assert approve(client, match.id).status_code == 409
    assert len(smtp.messages) == 1


def test_decline_link_closes_the_match(client, session, smtp):
    match = volunteer_match(session)
    web_login(client, email="broker@demo.koppel.nl")
    approve(client, match.id)
    link = re.search(r"http://127\.0\.0\.1:8000(/i/[^/\s]+/decline)",
                     plain_text(smtp.messages[0])).group(1)
    client.cookies.clear()
    page = BeautifulSoup(client.get(link).text, "html.parser")
    token = page.find("input", attrs={"name": "csrftoken"})["value"]
    assert "Wij vragen iemand anders" in client.post(link, data={"csrftoken": token}).text
    session.expire_all()
    assert session.get(Match, match.id).status == "declined"


def test_the_initiator_is_told(client, session, smtp, admin):
    created = admin.post("/api/v1/initiatives", json=initiative_payload(
        name="Repair Café Zuid", contact_name="Els", contact_email="els@example.org",
        needs=[need_payload(skills=["handyman"])])).json()
    match = session.exec(select(Match).where(
        Match.need_id == created["needs"][0]["id"], Match.resource_kind == "volunteer")
        .order_by(Match.id)).first()
    web_login(client, email="broker@demo.koppel.nl")
    approve(client, match.id)
    recipients = sorted(m["To"] for m in smtp.messages)
    assert "els@example.org" in recipients and len(recipients) == 2
    notice = [m for m in smtp.messages if m["To"] == "els@example.org"][0]
    assert "Repair Café Zuid" in notice["Subject"]
    assert "Gastvrouwen gezocht" in plain_text(notice)


def test_tampered_link_is_refused(client):
    assert client.get("/i/not-a-real-token/accept").status_code == 404


def test_a_token_names_its_match_for_fourteen_days_to_the_second(connection):
    token = notifications.invitation_token(42)
    assert notifications.match_for_token(token) == 42
    with time_machine.travel(utcnow() + timedelta(days=14, seconds=-10)):
        assert notifications.match_for_token(token) == 42
    with time_machine.travel(utcnow() + timedelta(days=14, seconds=10)), \
            pytest.raises(NotFound) as expired:
        notifications.match_for_token(token)
    assert expired.value.detail == \
        "Deze uitnodiging is verlopen. Neem contact op met de makelaar."
    for wrong in ("not-a-real-token", token[:-2] + "xx", ""):
        with pytest.raises(NotFound) as refused:
            notifications.match_for_token(wrong)
        assert refused.value.detail == "Deze link klopt niet."


def test_without_smtp_mail_lands_in_the_local_outbox(client, session):
    match = volunteer_match(session)
    web_login(client, email="broker@demo.koppel.nl")
    approve(client, match.id)
    mail = session.exec(select(MailMessage).where(MailMessage.match_id == match.id)).one()
    assert mail.transport == "local" and mail.sent_at is not None
    assert client.get("/dev/mail").status_code == 403  # live links: not for brokers
    web_login(client, email="admin@demo.koppel.nl")
    page = BeautifulSoup(client.get("/dev/mail").text, "html.parser")
    assert "Wilt u meedoen?" in page.get_text()


def test_an_invitation_link_expires_after_fourteen_days(client, session):
    match = volunteer_match(session)
    match.status = "approved"
    session.commit()
    token = notifications.invitation_token(match.id)
    with time_machine.travel(utcnow() + timedelta(days=13, hours=23)):
        assert client.get(f"/i/{token}/accept").status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=14, hours=1)):
        expired = client.get(f"/i/{token}/accept")
        assert expired.status_code == 404 and "verlopen" in expired.text
        form = client.post(f"/i/{token}/accept", data={"csrftoken": csrf_token(client)})
        assert form.status_code == 404
    session.expire_all()
    assert session.get(Match, match.id).status == "approved"
