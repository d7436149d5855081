"""Mijn initiatief: the initiator edits and publishes the profile, runs needs and answers
suggestions and offers of help (web and API)."""

from datetime import date

from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import AuditEvent, HoursLog, Initiative, MailMessage, Match, Need, Volunteer
from db.session import unit_of_work
from tests.test_web import assert_reads_as_dutch
from tests.test_web_auth import web_login

INITIATOR = "initiator@demo.koppel.nl"
BSN = "111222333"  # passes the eleven-test


def buuv(session) -> Initiative:
    return session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()


def volunteer_need(session) -> Need:
    return session.exec(select(Need).where(Need.initiative_id == buuv(session).id,
                                           Need.kind == "volunteers")).one()


def sanne(session) -> Volunteer:
    return session.exec(select(Volunteer).where(Volunteer.name == "Sanne de Vries")).one()


def sanne_match(session, status: str) -> Match:
    """The match between BUUV's volunteer need and Sanne, put in the given status."""
    with unit_of_work() as s:
        need, volunteer = volunteer_need(s), sanne(s)
        match = s.exec(select(Match).where(Match.need_id == need.id,
                                           Match.resource_kind == "volunteer",
                                           Match.resource_id == volunteer.id)).first()
        if match is None:
            match = Match(need_id=need.id, resource_kind="volunteer", resource_id=volunteer.id,
                          score=0.7, reasons=[{"code": "distance_km", "value": 1.2}],
                          explanation="")
            s.add(match)
        match.status = status
        s.flush()
        match_id = match.id
    session.expire_all()
    return session.get(Match, match_id)


def proposed(session) -> Match:
    return session.exec(select(Match).join(Need).where(
        Need.initiative_id == buuv(session).id, Match.status == "proposed",
        Match.resource_kind != "volunteer")).first() or sanne_match(session, "proposed")


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def form_data(soup: BeautifulSoup, selector: str) -> dict:
    """What a browser would post from this form as it stands."""
    form = soup.select_one(selector)
    data: dict = {}
    for el in form.select("input, select, textarea"):
        name = el.get("name")
        if not name:
            continue
        if el.name == "select":
            chosen = el.select_one("option[selected]")
            value = chosen["value"] if chosen else ""
        elif el.name == "textarea":
            value = el.get_text()
        elif el.get("type") in ("checkbox", "radio"):
            if not el.has_attr("checked"):
                continue
            value = el.get("value", "on")
        else:
            value = el.get("value", "")
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def signed_in(client):
    web_login(client, email=INITIATOR)
    return client


def test_profile_form_shows_every_section_and_a_dutch_error_next_to_the_field(client,
                                                                              session):
    signed_in(client)
    response = client.get("/mijn/initiatief")
    assert response.status_code == 200
    soup = soup_of(response)
    assert_reads_as_dutch(response.text)
    assert soup.select_one("meter#compleet") is not None
    assert "ingevuld" in soup.select_one("label[for=compleet]").get_text()
    legends = [lg.get_text(strip=True) for lg in soup.select("form.profile-form legend")]
    assert {"Over het initiatief", "Waar werkt u aan", "Wie zit erachter",
            "Hoe staat het ervoor", "Contact", "Thema's"} <= set(legends)
    data = form_data(soup, "form.profile-form")
    bad = data | {"founding_year": "1200", "website": "geen adres"}
    refused = client.post("/mijn/initiatief", data=bad)
    assert refused.status_code == 422
    page = soup_of(refused)
    assert page.select_one("#e-founding_year").get_text(strip=True)
    assert page.select_one("#f-founding_year")["aria-invalid"] == "true"
    assert "Opgericht in:" in page.select_one(".alert").get_text()
    assert_reads_as_dutch(refused.text)

    saved = client.post("/mijn/initiatief", data=data | {"description": "Buren helpen buren.",
                                                         "founding_year": "2010"},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert "Het profiel is opgeslagen" in client.get(saved.headers["location"]).text
    session.expire_all()
    initiative = buuv(session)
    assert (initiative.description, initiative.founding_year) == ("Buren helpen buren.", 2010)


def test_emptying_a_required_field_is_refused_in_dutch(client, session):
    signed_in(client)
    data = form_data(soup_of(client.get("/mijn/initiatief")), "form.profile-form")
    refused = client.post("/mijn/initiatief", data=data | {"name": ""})
    assert refused.status_code == 422
    assert soup_of(refused).select_one("#e-name").get_text(strip=True) == "dit veld is verplicht"


def test_publish_needs_a_knowing_choice_and_can_be_undone(client, session):
    signed_in(client)
    initiative_id = buuv(session).id
    client.post("/mijn/initiatief/publiceren", data={
        "csrftoken": client.cookies.get("csrftoken"), "publish": "nee"})
    session.expire_all()
    assert buuv(session).published is False
    client.cookies.delete("koppel_session")
    assert client.get(f"/initiatieven/{initiative_id}").status_code == 404
    signed_in(client)
    page = client.get("/mijn/initiatief")
    assert "Uw profiel is nog niet openbaar" in page.text
    token = soup_of(page).find("input", attrs={"name": "csrftoken"})["value"]
    unconfirmed = client.post("/mijn/initiatief/publiceren",
                              data={"csrftoken": token, "publish": "ja"})
    assert "Vink eerst aan" in unconfirmed.text
    session.expire_all()
    assert buuv(session).published is False
    done = client.post("/mijn/initiatief/publiceren",
                       data={"csrftoken": token, "publish": "ja", "confirm": "ja"})
    assert "Uw profiel is nu openbaar" in done.text
    session.expire_all()
    assert buuv(session).published is True


def test_add_pause_reopen_and_close_a_need(client, session):
    signed_in(client)
    form = soup_of(client.get("/mijn/initiatief/vragen/nieuw"))
    assert "iedereen te lezen" in form.select_one("#h-visibility").get_text()
    data = form_data(form, "main form") | {"title": "Hulp bij de moestuin",
                                          "hours_per_week": "2,5"}
    refused = client.post("/mijn/initiatief/vragen/nieuw", data=data)
    assert refused.status_code == 422
    assert soup_of(refused).select_one("#e-visibility").get_text(strip=True) == \
        "kies wie deze vraag mag lezen"
    created = client.post("/mijn/initiatief/vragen/nieuw",
                          data=data | {"visibility": "brokers"}, follow_redirects=False)
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert "De vraag is opgeslagen" in page.text
    assert "2,5 uur per week" in page.text
    need = session.exec(select(Need).where(Need.title == "Hulp bij de moestuin")).one()
    assert (need.visibility, need.hours_per_week) == ("brokers", 2.5)
    token = soup_of(page).find("input", attrs={"name": "csrftoken"})["value"]
    path = f"/mijn/initiatief/vragen/{need.id}/status"
    assert "Gepauzeerd" in client.post(path, data={"csrftoken": token, "status": "paused"}).text
    session.expire_all()
    assert session.get(Need, need.id).status == "paused"
    client.post(path, data={"csrftoken": token, "status": "open"})
    session.expire_all()
    assert session.get(Need, need.id).status == "open"
    unanswered = client.post(path, data={"csrftoken": token, "status": "closed"})
    assert "Kies eerst of de hulp gelukt is" in unanswered.text
    closed = client.post(path, data={"csrftoken": token, "status": "closed", "helped": "nee"})
    assert "Ingetrokken" in closed.text
    session.expire_all()
    assert session.get(Need, need.id).status == "withdrawn"


def test_closing_as_helped_answers_the_follow_up_of_active_matches(client, session):
    match = sanne_match(session, "active")
    signed_in(client)
    page = client.get(f"/mijn/initiatief/vragen/{match.need_id}")
    assert "Is de hulp gelukt?" in page.text
    token = soup_of(page).find("input", attrs={"name": "csrftoken"})["value"]
    client.post(f"/mijn/initiatief/vragen/{match.need_id}/status",
                data={"csrftoken": token, "status": "closed", "helped": "ja"})
    session.expire_all()
    assert session.get(Need, match.need_id).status == "fulfilled"
    assert (session.get(Match, match.id).status,
            session.get(Match, match.id).outcome) == ("done", "succeeded")


def test_api_interested_records_the_answer_and_the_broker_decides(login_as, client, session):
    match = proposed(session)
    api = login_as("initiator")
    response = api.post(f"/api/v1/matches/{match.id}/response", json={"answer": "interested"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["initiative_response"]) == ("proposed", "interested")
    signed_in(client)
    page = client.get(f"/mijn/initiatief/vragen/{match.need_id}").text
    assert "De makelaar beslist" in page


def test_the_broker_sees_the_initiatives_interest(login_as, client, session):
    match = proposed(session)
    login_as("initiator").post(f"/api/v1/matches/{match.id}/response",
                               json={"answer": "interested"})
    web_login(client, "broker@demo.koppel.nl")
    detail = client.get(f"/broker/matches/{match.id}").text
    assert "Het initiatief heeft laten weten dat het interesse heeft" in detail
    queue = BeautifulSoup(client.get("/broker/queue").text, "html.parser")
    row = queue.find("input", attrs={"value": str(match.id)}).find_parent("tr")
    assert "Het initiatief heeft interesse" in row.get_text()


def test_api_not_a_fit_rejects_with_the_reason(login_as, session):
    match = proposed(session)
    api = login_as("initiator")
    bsn = api.post(f"/api/v1/matches/{match.id}/response",
                   json={"answer": "not_a_fit", "reason": f"zie {BSN}"})
    assert bsn.status_code == 422
    assert "reason" in bsn.text
    bad = api.post(f"/api/v1/matches/{match.id}/response", json={"answer": "misschien"})
    assert bad.status_code == 422 and bad.json()["error"] == "validation_failed"
    done = api.post(f"/api/v1/matches/{match.id}/response",
                    json={"answer": "not_a_fit", "reason": "We zoeken iemand met een auto"})
    assert done.status_code == 200
    assert done.json()["status"] == "rejected"
    session.expire_all()
    stored = session.get(Match, match.id)
    assert stored.initiative_response_reason == "We zoeken iemand met een auto"
    again = api.post(f"/api/v1/matches/{match.id}/response", json={"answer": "interested"})
    assert again.status_code == 409 and again.json()["error"] == "conflict"


def test_api_another_initiatives_match_is_not_there(login_as, session):
    other = session.exec(select(Match).join(Need).where(
        Need.initiative_id != buuv(session).id)).first()
    if other is None:
        with unit_of_work() as s:
            need = s.exec(select(Need).where(Need.initiative_id != buuv(s).id)).first()
            s.add(Match(need_id=need.id, resource_kind="fund", resource_id=999, score=0.5,
                        status="proposed"))
        other = session.exec(select(Match).join(Need).where(
            Need.initiative_id != buuv(session).id)).first()
    response = login_as("initiator").post(f"/api/v1/matches/{other.id}/response",
                                          json={"answer": "interested"})
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert login_as("broker").post(f"/api/v1/matches/{other.id}/response",
                                   json={"answer": "interested"}).status_code == 403


def test_accepting_an_offer_of_help_makes_it_active_and_mails_the_volunteer(login_as,
                                                                            session):
    match = sanne_match(session, "offered")
    response = login_as("initiator").post(f"/api/v1/matches/{match.id}/response",
                                          json={"answer": "interested"})
    assert response.json()["status"] == "active"
    mail = session.exec(select(MailMessage).where(MailMessage.match_id == match.id,
                                                  MailMessage.kind == "offer_accepted")).one()
    assert mail.to_address == sanne(session).email
    assert mail.subject == "BUUV neemt uw hulp graag aan"
    assert INITIATOR in mail.body_text  # the profile names no contact: whoever said yes


def test_declining_an_offer_of_help_in_the_web(client, session):
    match = sanne_match(session, "offered")
    signed_in(client)
    page = client.get(f"/mijn/initiatief/vragen/{match.need_id}")
    block = soup_of(page).select_one(f"#m-{match.id}")
    assert "Aangeboden" in block.get_text()
    assert "Sanne" not in block.get_text()
    token = block.find("input", attrs={"name": "csrftoken"})["value"]
    refused = client.post(f"/mijn/initiatief/koppelingen/{match.id}/antwoord",
                          data={"csrftoken": token, "answer": "not_a_fit",
                                "reason": f"bsn {BSN}"})
    assert refused.status_code == 422
    assert "burgerservicenummer" in soup_of(refused).select_one(
        f"#e-reason-{match.id}").get_text()
    answered = client.post(f"/mijn/initiatief/koppelingen/{match.id}/antwoord",
                           data={"csrftoken": token, "answer": "not_a_fit",
                                 "reason": "Te ver weg"})
    assert "Genoteerd: dit past niet" in answered.text
    session.expire_all()
    assert session.get(Match, match.id).status == "declined"


def test_contact_hidden_before_active_and_shown_and_audited_after(client, session):
    match = sanne_match(session, "approved")
    volunteer = sanne(session)
    signed_in(client)
    page = client.get(f"/mijn/initiatief/vragen/{match.need_id}").text
    block = soup_of(client.get(f"/mijn/initiatief/vragen/{match.need_id}")).select_one(
        f"#m-{match.id}").get_text(" ")
    assert volunteer.name not in page and volunteer.email not in page
    assert f"Een vrijwilliger uit {volunteer.pc4}" in block
    assert "Uitgenodigd" in block and "Zodra die ja zegt" in block
    before = len(session.exec(select(AuditEvent).where(AuditEvent.actor_role == "initiator"))
                 .all())
    sanne_match(session, "active")
    page = client.get(f"/mijn/initiatief/vragen/{match.need_id}").text
    assert volunteer.name in page and volunteer.email in page
    assert_reads_as_dutch(page)
    events = session.exec(select(AuditEvent).where(AuditEvent.actor_role == "initiator")).all()
    assert len(events) == before + 1
    assert (events[-1].subject_type, events[-1].subject_id) == ("volunteer", str(volunteer.id))


def test_hours_logged_and_help_confirmed(client, session, login_as):
    match = sanne_match(session, "active")
    signed_in(client)
    page = soup_of(client.get(f"/mijn/initiatief/vragen/{match.need_id}"))
    token = page.find("input", attrs={"name": "csrftoken"})["value"]
    path = f"/mijn/initiatief/koppelingen/{match.id}"
    wrong = client.post(f"{path}/uren", data={"csrftoken": token, "hours": "30",
                                              "on_date": date.today().isoformat()})
    assert wrong.status_code == 422
    assert soup_of(wrong).select_one(f"#e-hours-{match.id}").get_text(strip=True)
    logged = client.post(f"{path}/uren", data={"csrftoken": token, "hours": "2,5",
                                               "on_date": date.today().isoformat(),
                                               "note": "Boodschappen"})
    assert "De uren zijn genoteerd" in logged.text and "Samen 2,5 uur" in logged.text
    api = login_as("initiator").post(f"/api/v1/matches/{match.id}/hours",
                                     json={"hours": 1, "on_date": date.today().isoformat()})
    assert api.status_code == 201
    assert "Samen 3,5 uur" in client.get(f"/mijn/initiatief/vragen/{match.need_id}").text
    assert len(session.exec(select(HoursLog).where(HoursLog.match_id == match.id)).all()) == 2
    confirmed = client.post(f"{path}/gegeven", data={"csrftoken": token})
    assert "De hulp staat als gegeven genoteerd" in confirmed.text
    session.expire_all()
    stored = session.get(Match, match.id)
    assert (stored.status, stored.outcome) == ("done", "succeeded")


def test_other_roles_and_other_initiatives_get_nothing(client, session):
    web_login(client, email="volunteer@demo.koppel.nl")
    assert client.get("/mijn/initiatief", follow_redirects=False).status_code == 403
    other = session.exec(select(Need).where(Need.initiative_id != buuv(session).id)).first()
    signed_in(client)
    assert client.get(f"/mijn/initiatief/vragen/{other.id}").status_code == 404


def test_offers_are_added_changed_and_removed(client, session):
    signed_in(client)
    form = soup_of(client.get("/mijn/initiatief/aanbod/nieuw"))
    data = form_data(form, "main form") | {"kind": "participation_place",
                                          "description": "Een plek in de moestuin",
                                          "no_paid_work_replaced": "true"}
    refused = client.post("/mijn/initiatief/aanbod/nieuw", data=data | {"capacity": "0"})
    assert refused.status_code == 422 and soup_of(refused).select_one("#e-capacity")
    added = client.post("/mijn/initiatief/aanbod/nieuw", data=data)
    assert "Het aanbod is opgeslagen" in added.text and "Participatieplek" in added.text
    row = next(li for li in soup_of(added).select(".mine-list li")
               if "Een plek in de moestuin" in li.get_text())
    link = row.a["href"]
    edit = form_data(soup_of(client.get(link)), "main form")
    assert edit["no_paid_work_replaced"] == "true"
    changed = client.post(link, data=edit | {"description": "Twee plekken in de moestuin"})
    assert "Twee plekken in de moestuin" in changed.text
    offer_id = int(link.split("/")[-2])
    token = edit["csrftoken"]
    removed = client.post(f"/mijn/initiatief/aanbod/{offer_id}/verwijderen",
                          data={"csrftoken": token})
    assert "Het aanbod is verwijderd" in removed.text
    assert "Twee plekken in de moestuin" not in removed.text
