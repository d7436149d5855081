"""Mijn vrijwilligerswerk: the volunteer's profile, pause, invitations and hours in the web."""

from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import HoursLog, Match, Need, Volunteer
from db.session import unit_of_work
from db.types import local_today, utcnow
from services.auth import service as auth
from services.matching import runner as matching
from services.notifications import service as notifications
from tests.test_web import assert_reads_as_dutch
from tests.test_web_auth import csrf_token, web_login

PROFILE = "/mijn/vrijwilliger"
MATCHES = "/mijn/vrijwilliger/koppelingen"


def sanne(session) -> Volunteer:
    return session.exec(select(Volunteer).where(Volunteer.name == "Sanne de Vries")).one()


def someone_else(session) -> Volunteer:
    return session.exec(select(Volunteer).where(Volunteer.name != "Sanne de Vries",
                                                Volunteer.user_id.is_(None))
                        .order_by(Volunteer.id)).first()


def volunteer_needs(session, count: int) -> list[Need]:
    return list(session.exec(select(Need).where(Need.kind == "volunteers", Need.status == "open")
                             .order_by(Need.id).limit(count)))


def match_in(session, need: Need, volunteer: Volunteer, status: str) -> int:
    """A match of this need and volunteer in the given status, as the broker left it."""
    with unit_of_work() as s:
        match = s.exec(select(Match).where(Match.need_id == need.id,
                                           Match.resource_kind == "volunteer",
                                           Match.resource_id == volunteer.id)).first()
        if match is None:
            match = Match(need_id=need.id, resource_kind="volunteer", resource_id=volunteer.id,
                          score=0.5, reasons=[], explanation="kan klussen · 1,2 km")
            s.add(match)
        match.status = status
        match.decided_at = None if status == "offered" else utcnow()
        s.flush()
        return match.id


def signed_in(client):
    assert web_login(client, email="volunteer@demo.koppel.nl").status_code == 303
    return client


def post(client, path: str, data: dict | None = None, page: str = PROFILE):
    return client.post(path, data={"csrftoken": csrf_token(client, page)} | (data or {}),
                       follow_redirects=False)


def profile_form(**changes) -> dict:
    return {"skills": ["handyman", "ict"], "themes": [], "availability": ["tue_morning"],
            "pc4": "2031", "radius_km": "7,5", "hours_per_week": "3", "about": "",
            "paused_until": ""} | changes


def test_the_profile_page_shows_the_grid_and_saves_in_dutch(client, session):
    signed_in(client)
    html = client.get(PROFILE).text
    assert_reads_as_dutch(html)
    soup = BeautifulSoup(html, "html.parser")
    grid = soup.select_one("table.day-grid")
    assert grid.caption.get_text(strip=True).startswith("Wanneer kunt u?")
    assert [th.get_text(strip=True) for th in grid.select("thead th")] == \
        ["Dag", "ochtend", "middag", "avond"]
    assert grid.select("tbody th[scope=row]")[1].get_text(strip=True) == "dinsdag"
    box = grid.select_one("input#a-tue_morning")
    assert soup.select_one("label[for=a-tue_morning]").get_text(strip=True) == "di ochtend"
    assert box["name"] == "availability"
    assert soup.select_one("#f-pc4")["inputmode"] == "numeric"
    assert soup.select_one("#f-paused_until")["type"] == "date"
    assert soup.find("a", string="Mijn gegevens downloaden of verwijderen")

    saved = post(client, PROFILE, profile_form(about="Ik help graag met de computer."))
    assert saved.status_code == 200
    assert "Uw profiel is opgeslagen" in saved.text
    session.expire_all()
    volunteer = sanne(session)
    assert (volunteer.skills, volunteer.availability, volunteer.radius_km,
            volunteer.hours_per_week) == (["handyman", "ict"], ["tue_morning"], 7.5, 3)
    assert volunteer.about == "Ik help graag met de computer."
    page = BeautifulSoup(saved.text, "html.parser")
    assert page.select_one("#f-radius_km")["value"] == "7,5"  # Dutch, never 7.5
    assert page.select_one("input#skills-ict").has_attr("checked")


def test_bad_input_gets_dutch_errors_next_to_the_fields(client, session):
    signed_in(client)
    before = sanne(session).radius_km
    answer = post(client, PROFILE, profile_form(pc4="12", radius_km="150",
                                                about="Mijn BSN is 111222333"))
    assert answer.status_code == 422
    soup = BeautifulSoup(answer.text, "html.parser")
    assert soup.select_one("#e-pc4").get_text() == "een postcode bestaat uit vier cijfers, " \
                                                   "zoals 2011"
    assert soup.select_one("#e-radius_km").get_text() == "kies een afstand van 0 tot 100 km"
    assert "burgerservicenummer" in soup.select_one("#e-about").get_text()
    assert soup.select_one("#f-pc4")["aria-invalid"] == "true"
    assert soup.select_one("#f-pc4")["value"] == "12"  # what was typed stays
    assert "Controleer de invoer" in soup.select_one("[role=alert]").get_text()
    session.expire_all()
    assert sanne(session).radius_km == before
    too_long = post(client, PROFILE, profile_form(
        paused_until=(local_today() + timedelta(days=400)).isoformat()))
    assert too_long.status_code == 422
    assert "binnen een jaar" in BeautifulSoup(too_long.text, "html.parser") \
        .select_one("#e-paused_until").get_text()


def test_the_volunteer_pauses_and_lifts_the_pause_in_the_web(client, session):
    signed_in(client)
    until = local_today() + timedelta(days=20)
    answer = post(client, PROFILE, profile_form(paused_until=until.isoformat()))
    assert "geen nieuwe voorstellen" in answer.text
    assert f"tot en met {until.day} " in answer.text  # a Dutch date, not ISO
    session.expire_all()
    assert sanne(session).paused_until == until
    post(client, PROFILE, profile_form(paused_until=""))  # emptied: the pause is lifted
    session.expire_all()
    assert sanne(session).paused_until is None


def test_a_paused_volunteer_gets_no_new_suggestions(session):
    proposed = session.exec(select(Match).where(Match.resource_kind == "volunteer",
                                                 Match.status == "proposed")
                            .order_by(Match.id)).first()
    volunteer_id = proposed.resource_id
    theirs = select(Match).where(Match.resource_kind == "volunteer",
                                 Match.resource_id == volunteer_id)
    needs = sorted({m.need_id for m in session.exec(theirs)})

    def pause_and_rematch(until: date | None) -> list[Match]:
        with unit_of_work() as s:
            # Stored as time leaves it: a pause that ended yesterday is no input anyone types.
            s.get(Volunteer, volunteer_id).paused_until = until
            # Clear the needs' other proposals too: a shown proposal is kept unless clearly
            # beaten, so the volunteer could only come back into empty places.
            for match in s.exec(select(Match).where(Match.need_id.in_(needs))):
                s.delete(match)
        with unit_of_work() as s:
            matching.rematch(s, needs)
        session.expire_all()
        return session.exec(theirs).all()

    assert pause_and_rematch(local_today() + timedelta(days=30)) == []
    assert pause_and_rematch(local_today()) == []  # up to and including the date
    assert pause_and_rematch(local_today() - timedelta(days=1)) != []  # back the day after
    assert pause_and_rematch(None) != []


def test_accepting_in_the_app_is_the_same_step_as_the_email_link(client, session):
    first, second = volunteer_needs(session, 2)
    me = sanne(session)
    in_app, by_link = match_in(session, first, me, "approved"), match_in(session, second, me,
                                                                          "approved")
    signed_in(client)
    page = client.get(MATCHES).text
    assert_reads_as_dutch(page)
    assert "De makelaar kijkt eerst of het past" in page
    assert first.title in page and second.title in page
    answered = post(client, f"{MATCHES}/{in_app}/accept", page=MATCHES)
    assert answered.status_code == 303
    assert "Fijn dat u meedoet" in client.get(answered.headers["location"]).text

    link = f"/i/{notifications.invitation_token(by_link)}/accept"
    client.post(link, data={"csrftoken": csrf_token(client, link)})
    session.expire_all()
    a, b = session.get(Match, in_app), session.get(Match, by_link)
    assert (a.status, a.decided_at is not None, a.answered_at is not None, a.outcome) == \
        (b.status, b.decided_at is not None, b.answered_at is not None, b.outcome) == \
        ("active", True, True, None)
    again = post(client, f"{MATCHES}/{in_app}/decline", page=MATCHES)  # answering twice
    assert again.status_code == 303
    session.expire_all()
    assert session.get(Match, in_app).status == "active"


def test_declining_moves_the_invitation_to_the_past(client, session):
    need = volunteer_needs(session, 1)[0]
    match_id = match_in(session, need, sanne(session), "approved")
    signed_in(client)
    post(client, f"{MATCHES}/{match_id}/decline", page=MATCHES)
    session.expire_all()
    assert session.get(Match, match_id).status == "declined"
    assert session.get(Match, match_id).answered_at is not None
    past = BeautifulSoup(client.get(MATCHES).text, "html.parser").select_one(
        f"#koppeling-{match_id}")
    assert "U heeft deze uitnodiging afgeslagen" in past.get_text()


def test_what_the_volunteer_was_not_told_is_not_shown(client, session):
    needs = volunteer_needs(session, 3)
    me = sanne(session)
    proposed = match_in(session, needs[0], me, "proposed")
    rejected = match_in(session, needs[1], me, "rejected")
    offered = match_in(session, needs[2], me, "offered")
    signed_in(client)
    soup = BeautifulSoup(client.get(MATCHES).text, "html.parser")
    assert soup.select_one(f"#koppeling-{proposed}") is None
    assert soup.select_one(f"#koppeling-{rejected}") is None
    assert "Het initiatief kijkt of het past" in soup.select_one(f"#koppeling-{offered}").text
    # A proposal cannot be answered before the broker approved it.
    assert post(client, f"{MATCHES}/{proposed}/accept", page=MATCHES).status_code == 404
    session.expire_all()
    assert session.get(Match, proposed).status == "proposed"


def test_another_volunteers_match_answers_404(client, session):
    need = volunteer_needs(session, 1)[0]
    theirs = match_in(session, need, someone_else(session), "approved")
    signed_in(client)
    assert post(client, f"{MATCHES}/{theirs}/accept", page=MATCHES).status_code == 404
    assert post(client, f"{MATCHES}/{theirs}/uren", {"hours": "2", "on_date": "2026-01-05"},
                page=MATCHES).status_code == 404
    assert post(client, f"{MATCHES}/{theirs}/uren", {"hours": ""},
                page=MATCHES).status_code == 404
    assert post(client, f"{MATCHES}/{theirs}/gelukt", {"outcome": "succeeded"},
                page=MATCHES).status_code == 404
    session.expire_all()
    assert session.get(Match, theirs).status == "approved"


def test_hours_are_logged_listed_and_totalled_in_dutch(client, session):
    need = volunteer_needs(session, 1)[0]
    match_id = match_in(session, need, sanne(session), "active")
    signed_in(client)
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    for hours in ("2,5", "1"):
        answer = post(client, f"{MATCHES}/{match_id}/uren",
                      {"hours": hours, "on_date": yesterday, "note": "boodschappen"},
                      page=MATCHES)
        assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "De uren zijn genoteerd" in page
    card = BeautifulSoup(page, "html.parser").select_one(f"#koppeling-{match_id}")
    assert card.select_one("tfoot").get_text(" ", strip=True) == "Totaal 3,5 uur"
    assert date.fromisoformat(yesterday).strftime("%d-%m-%Y") in card.select_one("tbody").text
    assert [e.logged_by for e in session.exec(select(HoursLog).where(
        HoursLog.match_id == match_id))] == ["volunteer", "volunteer"]

    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    wrong = post(client, f"{MATCHES}/{match_id}/uren", {"hours": "30", "on_date": tomorrow},
                 page=MATCHES)
    assert wrong.status_code == 422
    card = BeautifulSoup(wrong.text, "html.parser").select_one(f"#koppeling-{match_id}")
    assert card.select_one(f"#h{match_id}-hours-e").get_text() == "is te groot"
    assert card.select_one(f"#h{match_id}-hours")["value"] == "30"


def test_is_de_hulp_gelukt_closes_the_match(client, session):
    need = volunteer_needs(session, 1)[0]
    match_id = match_in(session, need, sanne(session), "active")
    signed_in(client)
    assert post(client, f"{MATCHES}/{match_id}/gelukt", {"outcome": "succeeded"},
                page=MATCHES).status_code == 303
    session.expire_all()
    match = session.get(Match, match_id)
    assert (match.status, match.outcome) == ("done", "succeeded")
    card = BeautifulSoup(client.get(MATCHES).text, "html.parser").select_one(
        f"#koppeling-{match_id}")
    assert "de hulp is gelukt" in card.get_text()


def test_other_roles_do_not_reach_the_volunteer_area(client):
    web_login(client, email="initiator@demo.koppel.nl")
    assert client.get(PROFILE).status_code in (403, 404)
    assert client.get(MATCHES).status_code in (403, 404)


def test_a_volunteer_account_without_a_profile_makes_one(client, session):
    with unit_of_work() as s:
        auth.create_user(s, email="nieuw@voorbeeld.nl", password="lang-genoeg-wachtwoord",
                         role="volunteer", municipality="GM0392")
    web_login(client, email="nieuw@voorbeeld.nl", password="lang-genoeg-wachtwoord")
    soup = BeautifulSoup(client.get(PROFILE).text, "html.parser")
    assert soup.select_one("main h2").get_text(strip=True) == "Maak uw profiel"
    form = {"name": "Noor Jansen", "pc4": "2031", "skills": ["cooking"], "radius_km": "3"}
    refused = post(client, "/mijn/vrijwilliger/nieuw", form)
    assert refused.status_code == 422
    assert "zonder toestemming" in BeautifulSoup(refused.text, "html.parser") \
        .select_one("#e-consent").get_text()
    made = post(client, "/mijn/vrijwilliger/nieuw", form | {"consent": "true"})
    assert made.status_code == 303
    page = client.get(made.headers["location"]).text
    assert "Uw vrijwilligersprofiel is aangemaakt" in page
    volunteer = session.exec(select(Volunteer).where(Volunteer.name == "Noor Jansen")).one()
    assert (volunteer.skills, volunteer.radius_km, volunteer.municipality_code) == \
        (["cooking"], 3, "GM0392")
    assert volunteer.user_id is not None and volunteer.consent_given_at is not None


def test_an_unanswered_offer_of_help_can_be_withdrawn(client, session):
    first, second = volunteer_needs(session, 2)
    offered = match_in(session, first, sanne(session), "offered")
    active = match_in(session, second, sanne(session), "active")
    signed_in(client)
    answer = post(client, f"{MATCHES}/{offered}/intrekken", page=MATCHES)
    assert answer.status_code == 303
    page = BeautifulSoup(client.get(answer.headers["location"]).text, "html.parser")
    assert "Uw aanbod is ingetrokken" in page.select_one("[role=status]").get_text()
    assert "U heeft dit aanbod ingetrokken" in page.select_one(f"#koppeling-{offered}").text
    assert post(client, f"{MATCHES}/{active}/intrekken", page=MATCHES).status_code == 409
    session.expire_all()
    assert (session.get(Match, offered).status, session.get(Match, active).status) == \
        ("declined", "active")
