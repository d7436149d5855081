"""Broker work on behalf of residents: needs for offline residents, intakes, escalations."""

from bs4 import BeautifulSoup
from sqlmodel import select

from core.vocabulary import get_vocabulary
from db.models import (
    AuditEvent,
    EscalationStep,
    Initiative,
    Intake,
    Match,
    Need,
    Referral,
    ResidentContact,
)
from tests.test_web_auth import csrf_token, web_login


def buuv(session) -> Initiative:
    return session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()


def test_broker_posts_a_need_for_an_offline_resident(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    soup = BeautifulSoup(client.get("/broker/needs/new").text, "html.parser")
    options = [o.get_text() for o in soup.select("#f-initiative_id option")]
    assert "BUUV" in options and "Buzinezzclub" not in options  # own municipality only
    for control in soup.select("form.stacked input:not([type=hidden]), form.stacked select"):
        assert soup.find("label", attrs={"for": control["id"]})
    response = client.post("/broker/needs/new", data={
        "csrftoken": csrf_token(client, "/broker/needs/new"), "initiative_id": buuv(session).id,
        "kind": "volunteers", "title": "Boodschappen voor mevrouw", "hours_per_week": "1",
        "resident_name": "Mevrouw Jansen", "resident_phone": "023 123 4567"},
        follow_redirects=False)
    assert response.status_code == 303
    need = session.exec(select(Need).where(Need.title == "Boodschappen voor mevrouw")).one()
    contact = session.exec(select(ResidentContact).where(ResidentContact.need_id == need.id)
                           ).one()
    assert contact.name == "Mevrouw Jansen"
    assert session.exec(select(Match).where(Match.need_id == need.id)).first() is not None
    events = session.exec(select(AuditEvent).where(
        AuditEvent.subject_type == "resident_contact")).all()
    assert [e.action for e in events] == ["create"]


def test_resident_need_refuses_a_bsn_and_keeps_what_was_typed(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    response = client.post("/broker/needs/new", data={
        "csrftoken": csrf_token(client, "/broker/needs/new"), "initiative_id": buuv(session).id,
        "kind": "volunteers", "title": "Hulp", "resident_name": "Jan 111222333"})
    assert response.status_code == 422
    assert "burgerservicenummer" in response.text
    assert 'value="Hulp"' in response.text


def test_intake_with_all_twelve_scales(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    soup = BeautifulSoup(client.get("/broker/intakes/new").text, "html.parser")
    scales = soup.select("select[name^=score_]")
    assert len(scales) == 12
    data = {"csrftoken": csrf_token(client, "/broker/intakes/new"),
            "initiative_id": buuv(session).id, "support_needs": ["volunteers", "publicity"],
            "size_volunteers": "31-100"}
    data |= {f"score_{code}": "7" for code in get_vocabulary().codes("intake_scales")}
    saved = client.post("/broker/intakes/new", data=data)
    assert saved.status_code == 200 and "De intake is opgeslagen" in saved.text
    intake = session.exec(select(Intake)).one()
    assert len(intake.scores) == 12 and intake.support_needs == ["volunteers", "publicity"]
    del data[next(k for k in data if k.startswith("score_"))]
    incomplete = client.post("/broker/intakes/new", data=data)
    assert incomplete.status_code == 422 and "schalen" in incomplete.text


def test_escalation_ladder_ends_in_a_referral(client, session):
    need = session.exec(select(Need).where(Need.initiative_id == buuv(session).id,
                                           Need.kind == "volunteers")).one()
    match = session.exec(select(Match).where(Match.need_id == need.id)).first()
    web_login(client, email="broker@demo.koppel.nl")
    token = csrf_token(client, f"/broker/matches/{match.id}")
    back = f"/broker/matches/{match.id}"
    for step in ("own_network", "platform"):
        client.post(f"/broker/needs/{need.id}/escalate",
                    data={"csrftoken": token, "step": step, "back": back})
    incomplete = client.post(f"/broker/needs/{need.id}/escalate", data={
        "csrftoken": token, "step": "professional_partner", "back": back},
        follow_redirects=False)
    assert "escalatie=onvolledig" in incomplete.headers["location"]
    done = client.post(f"/broker/needs/{need.id}/escalate", data={
        "csrftoken": token, "step": "professional_partner", "back": back,
        "partner": "Sociaal wijkteam Centrum", "reason": "Zorgvraag, te zwaar voor buren"},
        follow_redirects=False)
    assert "escalatie=vastgelegd" in done.headers["location"]
    steps = [s.step for s in session.exec(select(EscalationStep).where(
        EscalationStep.need_id == need.id).order_by(EscalationStep.id))]
    assert steps == ["own_network", "platform", "professional_partner"]
    assert session.exec(select(Referral)).one().partner == "Sociaal wijkteam Centrum"
    page = BeautifulSoup(client.get("/broker/referrals").text, "html.parser")
    assert "Sociaal wijkteam Centrum" in page.get_text()
    web_login(client, email="broker-rotterdam@demo.koppel.nl")
    rotterdam = BeautifulSoup(client.get("/broker/referrals").text, "html.parser")
    assert "Sociaal wijkteam Centrum" not in rotterdam.get_text()
