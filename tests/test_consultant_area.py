"""Consulent in the web and the API: pseudonymous clients, audited reads, placement decisions."""

from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import AuditEvent, Initiative, MailMessage, Match, Need, ParticipationClient, User
from db.session import unit_of_work
from services.auth import service as auth
from tests.test_web import assert_reads_as_dutch
from tests.test_web_auth import csrf_token, web_login

HOME = "/consulent"
BSN = "111222333"  # passes the eleven-test


def demo_client(session) -> ParticipationClient:
    return session.exec(select(ParticipationClient).where(
        ParticipationClient.pseudonym == "Kandidaat Noord-1")).one()


def signed_in(client, who: str = "consultant@demo.koppel.nl"):
    assert web_login(client, email=who).status_code == 303
    return client


def post(client, path: str, data: dict | None = None, page: str = HOME):
    return client.post(path, data={"csrftoken": csrf_token(client, page)} | (data or {}),
                       follow_redirects=False)


def new_client_form(**changes) -> dict:
    return {"pseudonym": "Kandidaat Zuid-7", "route": "orientation_paid_work",
            "capacity_hours_per_week": "6", "pc4": "2011", "skills": ["cooking", "ict"],
            "restrictions": ["no_evenings"], "availability": ["mon_morning", "fri_afternoon"]
            } | changes


def error_of(html: str, name: str) -> str:
    found = BeautifulSoup(html, "html.parser").select_one(f"#e-{name}")
    return found.get_text(" ", strip=True) if found else ""


def second_consultant() -> str:
    email = "consultant-twee@demo.koppel.nl"
    with unit_of_work() as s:
        if s.exec(select(User).where(User.email == email)).first() is None:
            auth.create_user(s, email=email, password="koppel-demo", role="consultant",
                             municipality="GM0392", display_name="Tweede consulent")
    return email


def events(session, **where) -> list[AuditEvent]:
    session.expire_all()
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    return list(session.exec(stmt))


def proposed_placement(session, client_id: int, contact: str | None = None) -> Match:
    """A placement proposed for this client at a Haarlem need it has no match with yet."""
    with unit_of_work() as s:
        need = s.exec(select(Need).join(Initiative).where(
            Initiative.municipality_code == "GM0392", Need.status == "open",
            Need.id.not_in(select(Match.need_id).where(Match.resource_kind == "placement",
                                                       Match.resource_id == client_id)))
            .order_by(Need.id)).first()
        if contact:
            s.get(Initiative, need.initiative_id).contact_email = contact
        match = Match(need_id=need.id, resource_kind="placement", resource_id=client_id,
                      score=0.7, status="proposed", explanation="kan klussen · 1,4 km",
                      reasons=[{"code": "skills", "value": ["handyman"]},
                               {"code": "distance_km", "value": 1.4}])
        s.add(match)
        s.flush()
        match_id = match.id
    return session.get(Match, match_id)


def test_the_consultant_lands_on_the_caseload_in_dutch_without_a_bsn_field(client, session):
    signed_in(client)
    landing = client.get("/mijn", follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"] == HOME
    html = client.get(HOME).text
    assert_reads_as_dutch(html)
    soup = BeautifulSoup(html, "html.parser")
    card = next(li for li in soup.select("ul.client-list li")
                if "Kandidaat Noord-1" in li.get_text())
    text = " ".join(card.get_text(" ").split())
    assert "Toeleiden naar vrijwilligerswerk" in text and "8 uur per week" in text
    assert "open" in text
    names = {field.get("name", "") for field in soup.select("input, select, textarea")}
    assert not any("bsn" in name.lower() for name in names)
    assert "niets waaraan anderen de cliënt kunnen herkennen" in soup.select_one(
        "#h-pseudonym").get_text()


def test_creating_a_client_explains_errors_in_dutch_and_refuses_a_bsn(client, session):
    signed_in(client)
    empty = post(client, f"{HOME}/clienten", {"capacity_hours_per_week": "50"})
    assert empty.status_code == 422
    assert error_of(empty.text, "pseudonym") == "dit veld is verplicht"
    assert error_of(empty.text, "route") == "dit veld is verplicht"
    assert error_of(empty.text, "capacity_hours_per_week") == \
        "kies meer dan 0 en hoogstens 40 uur per week"
    with_bsn = post(client, f"{HOME}/clienten", new_client_form(pseudonym=f"Kandidaat {BSN}"))
    assert with_bsn.status_code == 422
    assert "burgerservicenummer" in error_of(with_bsn.text, "pseudonym")
    soup = BeautifulSoup(with_bsn.text, "html.parser")
    assert soup.select_one("#nieuw-a-fri_afternoon").has_attr("checked")  # ticks stay ticked
    assert session.exec(select(ParticipationClient).where(
        ParticipationClient.pseudonym.contains(BSN))).first() is None
    odd = post(client, f"{HOME}/clienten", new_client_form(pseudonym="Jan <Jansen>"))
    assert "alleen letters, cijfers" in error_of(odd.text, "pseudonym")
    taken = post(client, f"{HOME}/clienten", new_client_form(pseudonym="Kandidaat Noord-1"))
    assert "al in gebruik" in error_of(taken.text, "pseudonym")

    created = post(client, f"{HOME}/clienten", new_client_form(capacity_hours_per_week="6,5"))
    assert created.status_code == 303
    stored = session.exec(select(ParticipationClient).where(
        ParticipationClient.pseudonym == "Kandidaat Zuid-7")).one()
    consultant = session.exec(select(User).where(
        User.email == "consultant@demo.koppel.nl")).one()
    assert (stored.consultant_user_id, stored.municipality_code, stored.capacity_hours_per_week,
            stored.availability) == (consultant.id, "GM0392", 6.5,
                                     ["mon_morning", "fri_afternoon"])
    assert created.headers["location"] == f"{HOME}/clienten/{stored.id}?done=created"
    page = client.get(created.headers["location"]).text
    assert_reads_as_dutch(page)
    assert "De cliënt is aangemeld" in page and "6,5 uur" in page


def test_editing_closing_and_reopening_a_client(client, session):
    signed_in(client)
    target = demo_client(session)
    path = f"{HOME}/clienten/{target.id}"
    wrong = post(client, path, new_client_form(pseudonym="Kandidaat Noord-1", pc4="12"),
                 page=path)
    assert wrong.status_code == 422 and error_of(wrong.text, "pc4")
    saved = post(client, path, new_client_form(pseudonym="Kandidaat Noord-1",
                                               capacity_hours_per_week="2,5", pc4="",
                                               skills=["gardening"], restrictions=[]),
                 page=path)
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=saved")
    session.expire_all()
    target = session.get(ParticipationClient, target.id)
    assert (target.capacity_hours_per_week, target.skills, target.restrictions, target.pc4) == \
        (2.5, ["gardening"], [], None)

    page = client.get(path).text
    assert "Koppel bewaart het gesloten dossier nog 24 maanden en wist het daarna" in page
    closed = post(client, f"{path}/sluiten", page=path)
    assert closed.status_code == 303
    session.expire_all()
    assert session.get(ParticipationClient, target.id).closed_at is not None
    page = client.get(closed.headers["location"]).text
    assert "Het dossier is gesloten" in page and "Dossier heropenen" in page
    card = next(li for li in BeautifulSoup(client.get(HOME).text, "html.parser")
                .select("ul.client-list li") if "Kandidaat Noord-1" in li.get_text())
    assert "gesloten op" in card.get_text()
    assert post(client, f"{path}/heropenen", page=path).status_code == 303
    session.expire_all()
    assert session.get(ParticipationClient, target.id).closed_at is None


def test_other_consultants_get_404_and_staff_see_their_municipality(client, session,
                                                                      login_as):
    target = demo_client(session)
    path = f"{HOME}/clienten/{target.id}"
    signed_in(client, second_consultant())
    assert "Kandidaat Noord-1" not in client.get(HOME).text
    assert client.get(path).status_code == 404
    assert post(client, f"{path}/sluiten").status_code == 404
    assert login_as("consultant-twee@demo.koppel.nl").get("/api/v1/clients").json()["items"] == []

    client.cookies.clear()
    signed_in(client, "staff@demo.koppel.nl")
    soup = BeautifulSoup(client.get(HOME).text, "html.parser")
    assert "Kandidaat Noord-1" in soup.select_one("ul.client-list").get_text()
    assert soup.h1.get_text(strip=True) == "Cliënten van de gemeente"
    assert soup.select_one("#nieuw") is None  # staff look, they do not register
    detail = client.get(path)
    assert detail.status_code == 200 and "Dossier sluiten" not in detail.text
    listed = login_as("staff").get("/api/v1/clients").json()["items"]
    assert "Kandidaat Noord-1" in {item["pseudonym"] for item in listed}
    assert login_as("broker-rotterdam").get("/api/v1/clients").status_code == 403

    client.cookies.clear()
    signed_in(client, "broker@demo.koppel.nl")
    assert client.get(HOME).status_code == 403
    assert client.get(path).status_code == 403


def test_every_read_of_a_client_is_audited(client, session, login_as):
    target = demo_client(session)
    signed_in(client)
    before = len(events(session, subject_type="client"))
    client.get(f"{HOME}/clienten/{target.id}")
    new = events(session, subject_type="client")[before:]
    assert [(e.actor_role, e.action, e.subject_id, e.outcome) for e in new] == [
        ("consultant", "read", str(target.id), "success")]
    before = len(events(session, subject_type="client"))
    client.get(HOME)
    assert {e.subject_id for e in events(session, subject_type="client")[before:]} == \
        {str(target.id)}
    before = len(events(session, subject_type="client"))
    login_as("staff").get("/api/v1/clients", headers={"X-Purpose": "toezicht"})
    new = events(session, subject_type="client")[before:]
    assert [(e.actor_role, e.purpose) for e in new] == [("staff", "toezicht")]
    before = len(events(session, subject_type="client"))
    signed_in(client, second_consultant())
    client.get(f"{HOME}/clienten/{target.id}")
    assert [(e.action, e.outcome) for e in events(session, subject_type="client")[before:]] \
        == [("read", "failed")]


def test_approving_a_placement_invites_as_a_broker_approval_does(client, session):
    target = demo_client(session)
    match = proposed_placement(session, target.id, contact="contact@initiatief.example")
    path = f"{HOME}/clienten/{target.id}"
    signed_in(client)
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    card = soup.select_one(f"#voorstel-{match.id}")
    assert "Voorgesteld" in card.get_text() and "kan klussen" in card.get_text()
    assert "1,4 km" in card.get_text()
    waiting = BeautifulSoup(client.get(HOME).text, "html.parser")
    open_count = len(session.exec(select(Match).where(
        Match.resource_kind == "placement", Match.resource_id == target.id,
        Match.status.in_(("proposed", "approved")))).all())
    card_text = next(li for li in waiting.select("ul.client-list li")
                     if "Kandidaat Noord-1" in li.get_text()).get_text()
    assert f"{open_count} open voorstel" in card_text

    approved = post(client, f"{HOME}/voorstellen/{match.id}/goedkeuren", page=path)
    assert approved.status_code == 303 and "done=approved" in approved.headers["location"]
    session.expire_all()
    match = session.get(Match, match.id)
    consultant = session.exec(select(User).where(
        User.email == "consultant@demo.koppel.nl")).one()
    assert (match.status, match.decided_by) == ("approved", consultant.id)
    mails = {(m.kind, m.to_address) for m in session.exec(
        select(MailMessage).where(MailMessage.match_id == match.id))}
    assert mails == {("invitation", "consultant@demo.koppel.nl"),
                     ("initiator_notice", "contact@initiatief.example")}
    page = client.get(approved.headers["location"]).text
    assert "Uitgenodigd" in page and "Het initiatief hoort ervan" in page
    assert post(client, f"{HOME}/voorstellen/{match.id}/goedkeuren",
                page=path).status_code == 409

    accepted = post(client, f"{HOME}/voorstellen/{match.id}/ja", page=path)
    assert accepted.status_code == 303
    session.expire_all()
    assert session.get(Match, match.id).status == "active"


def test_declining_a_placement_needs_a_reason_and_only_for_own_clients(client, session):
    target = demo_client(session)
    match = proposed_placement(session, target.id)
    path = f"{HOME}/clienten/{target.id}"
    signed_in(client, second_consultant())
    assert post(client, f"{HOME}/voorstellen/{match.id}/goedkeuren").status_code == 404
    client.cookies.clear()
    signed_in(client)
    no_reason = post(client, f"{HOME}/voorstellen/{match.id}/afwijzen", page=path)
    assert no_reason.status_code == 422
    assert "Kies een reden om af te wijzen" in BeautifulSoup(no_reason.text, "html.parser") \
        .select_one(f"#voorstel-{match.id}").get_text()
    rejected = post(client, f"{HOME}/voorstellen/{match.id}/afwijzen",
                    {"reason": "too_far", "note": "Reistijd te lang"}, page=path)
    assert rejected.status_code == 303
    session.expire_all()
    match = session.get(Match, match.id)
    assert (match.status, match.decision_reason, match.decision_note) == \
        ("rejected", "too_far", "Reistijd te lang")
    assert session.exec(select(MailMessage).where(MailMessage.match_id == match.id)).first() \
        is None
    assert "Afgewezen: Te ver weg" in client.get(path).text


def test_the_api_lists_own_clients_in_pages_and_closes_by_patch(login_as, session):
    consultant = login_as("consultant")
    for n in range(3):
        response = consultant.post("/api/v1/clients", json={
            "pseudonym": f"Kandidaat API-{n}", "route": "guide_to_volunteering"})
        assert response.status_code == 201
    first = consultant.get("/api/v1/clients?limit=2").json()
    assert set(first) == {"items", "next_cursor"} and len(first["items"]) == 2
    second = consultant.get(f"/api/v1/clients?limit=2&cursor={first['next_cursor']}").json()
    seen = [item["pseudonym"] for item in first["items"] + second["items"]]
    assert seen == ["Kandidaat Noord-1", "Kandidaat API-0", "Kandidaat API-1",
                    "Kandidaat API-2"]
    assert second["next_cursor"] is None
    assert consultant.get("/api/v1/clients?cursor=nietsnut").status_code == 422
    assert consultant.get("/api/v1/clients?limit=0").status_code == 422
    last = second["items"][-1]["id"]
    closed = consultant.patch(f"/api/v1/clients/{last}", json={"closed": True}).json()
    assert closed["closed_at"] is not None
