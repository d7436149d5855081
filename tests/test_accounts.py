"""Accounts for people: sign-up, the confirmation link, password reset, my data."""

import json
import re
from datetime import timedelta

import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import Initiative, MailMessage, Organisation, User, Volunteer, WebSession
from db.types import utcnow
from services.auth import links
from tests.test_web_auth import csrf_token, signed_in_as, web_login

PASSWORD = "een lange zin als wachtwoord"


def post(client, path, data, page=None):
    """A form post with the CSRF token of the page it sits on."""
    return client.post(path, data=data | {"csrftoken": csrf_token(client, page or path)},
                       follow_redirects=False)


def sign_up(client, **fields):
    data = {"kind": "volunteer", "name": "Fatima El Amrani", "email": "fatima@example.nl",
            "password": PASSWORD, "pc4": "2011", "consent": "true"} | fields
    return post(client, "/aanmelden", data)


def mails_to(session, address: str, kind: str | None = None) -> list[MailMessage]:
    session.expire_all()
    stmt = select(MailMessage).where(MailMessage.to_address == address)
    if kind:
        stmt = stmt.where(MailMessage.kind == kind)
    return list(session.exec(stmt.order_by(MailMessage.id)))


def link_in(mail: MailMessage, path: str) -> str:
    """The local path of the link to path in a mail's plain text."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.text, "html.parser").main.get_text(" ").split())


def user_by(session, email: str) -> User:
    session.expire_all()
    return session.exec(select(User).where(User.email == email)).one()


def test_a_volunteer_signs_up_confirms_and_lands_in_their_area(client, session):
    page = client.get("/aanmelden")
    assert page.status_code == 200 and "Aanmelden bij Koppel" in page.text
    response = sign_up(client)
    assert response.status_code == 200
    assert "We hebben een e-mail gestuurd naar fatima@example.nl" in text_of(response)
    user = user_by(session, "fatima@example.nl")
    assert user.role == "volunteer" and user.email_verified_at is None
    assert user.municipality_code == "GM0392"  # Haarlem, from postcode 2011
    volunteer = session.exec(select(Volunteer).where(Volunteer.user_id == user.id)).one()
    assert volunteer.name == "Fatima El Amrani" and volunteer.pc4 == "2011"
    assert volunteer.consent_given_at is not None

    # Unconfirmed: the right password gets a Dutch message and the offer to resend the link.
    refused = web_login(client, "fatima@example.nl", PASSWORD, next_path="/mijn")
    assert refused.status_code == 403
    assert "Bevestig eerst uw e-mailadres" in text_of(refused)
    assert "Stuur de link opnieuw" in text_of(refused)
    resent = post(client, "/aanmelden/opnieuw", {"email": "fatima@example.nl"}, "/login")
    assert resent.status_code == 200
    token_refused = client.post("/api/v1/auth/token", data={"username": "fatima@example.nl",
                                                            "password": PASSWORD})
    assert token_refused.status_code == 403
    assert token_refused.json()["error"] == "email_unconfirmed"
    confirmations = mails_to(session, "fatima@example.nl", "account_confirm")
    assert len(confirmations) == 2
    mail = confirmations[0]
    assert mail.subject == "Bevestig uw e-mailadres voor Koppel" and mail.match_id is None
    assert "Beste Fatima El Amrani" in mail.body_text

    confirmed = client.get(link_in(mail, "/aanmelden/bevestigen/"), follow_redirects=False)
    assert confirmed.headers["location"] == "/login?melding=bevestigd"
    assert "Uw e-mailadres is bevestigd" in text_of(client.get(confirmed.headers["location"]))
    assert user_by(session, "fatima@example.nl").email_verified_at is not None
    token = csrf_token(client)
    landed = client.post("/login", data={"username": "fatima@example.nl", "password": PASSWORD,
                                         "csrftoken": token}, follow_redirects=False)
    assert landed.headers["location"] == "/mijn"
    assert client.get("/mijn", follow_redirects=False).headers["location"] == \
        "/mijn/vrijwilliger"


def test_an_initiator_signs_up_with_an_initiative_in_draft(client, session):
    response = sign_up(client, kind="initiator", name="Kees de Boer",
                       email="Kees@Example.nl", initiative_name="BUUV", pc4="3011",
                       consent="")
    assert response.status_code == 200, text_of(response)
    user = user_by(session, "kees@example.nl")
    organisation = session.get(Organisation, user.organisation_id)
    initiative = session.get(Initiative, organisation.initiative_id)
    # Its own organisation, never the existing BUUV of the same name.
    assert organisation.kind == "initiative" and organisation.name == "BUUV"
    assert session.exec(select(Organisation).where(Organisation.name == "BUUV")).all() != \
        [organisation]
    assert initiative.published is False and initiative.municipality_code == "GM0599"
    assert initiative.contact_email == "kees@example.nl" and initiative.pc4 == "3011"
    assert user.role == "initiator" and user.email_verified_at is None
    assert "Koppel" in mails_to(session, "kees@example.nl", "account_confirm")[0].body_text
    assert client.get(f"/initiatieven/{initiative.id}").status_code == 404  # a draft


def test_sign_up_explains_every_mistake_in_dutch_next_to_the_field(client, session):
    response = sign_up(client, kind="initiator", name="", email="geen-adres", password="kort",
                       pc4="12ab", initiative_name="")
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    errors = {p["id"]: p.get_text() for p in soup.select("p.error")}
    assert errors["e-email"] == "is geen geldig e-mailadres"
    assert errors["e-pc4"] == "een postcode bestaat uit vier cijfers, zoals 2011"
    assert "e-name" in errors
    assert soup.find("input", attrs={"name": "password"}).get("value", "") == ""
    short = sign_up(client, kind="initiator", password="kort", initiative_name="")
    errors = {p["id"]: p.get_text() for p in BeautifulSoup(short.text, "html.parser")
              .select("p.error")}
    assert errors["e-password"] == "kies een wachtwoord van minstens 10 tekens"
    assert errors["e-initiative_name"] == "vul de naam van uw initiatief in"
    no_consent = sign_up(client, consent="")
    assert "zonder uw toestemming" in no_consent.text
    # A village whose name is no municipality: choose it from the list.
    village = sign_up(client, pc4="2061")
    assert "kies hem uit de lijst" in village.text
    assert sign_up(client, pc4="2061", municipality="GM0392").status_code == 200
    bsn = sign_up(client, email="ander@example.nl", name="Jan 123456782")
    assert bsn.status_code == 422 and "burgerservicenummer" in bsn.text
    assert session.exec(select(User).where(User.email == "ander@example.nl")).first() is None


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_mail(client, session):
    before = user_by(session, "volunteer@demo.koppel.nl")
    taken = sign_up(client, email="volunteer@demo.koppel.nl")
    fresh = sign_up(client, email="nieuw@example.nl")
    assert taken.status_code == fresh.status_code == 200
    assert text_of(taken).replace("volunteer@demo.koppel.nl", "X") == \
        text_of(fresh).replace("nieuw@example.nl", "X")
    owner_mail = mails_to(session, "volunteer@demo.koppel.nl", "account_exists")
    assert len(owner_mail) == 1 and "/wachtwoord-vergeten" in owner_mail[0].body_text
    after = user_by(session, "volunteer@demo.koppel.nl")
    assert after.password_hash == before.password_hash


def test_expired_and_garbled_links_are_a_dutch_404(client, session):
    sign_up(client)
    mail = mails_to(session, "fatima@example.nl", "account_confirm")[0]
    path = link_in(mail, "/aanmelden/bevestigen/")
    for bad in (path[:-3], "/aanmelden/bevestigen/abc", "/wachtwoord-herstellen/abc",
                "/mijn/gegevens/e-mailadres/abc",
                path.replace("/aanmelden/bevestigen/", "/wachtwoord-herstellen/")):
        page = client.get(bad)
        assert page.status_code == 404, bad
        assert "Deze link klopt niet" in text_of(page)
    with time_machine.travel(utcnow() + links.CONFIRM_VALID + timedelta(minutes=1)):
        late = client.get(path)
    assert late.status_code == 404 and "Deze link is verlopen" in text_of(late)
    assert user_by(session, "fatima@example.nl").email_verified_at is None


def test_password_reset_is_neutral_single_use_and_ends_every_session(client, session):
    for address in ("initiator@demo.koppel.nl", "niemand@example.nl"):
        answer = post(client, "/wachtwoord-vergeten", {"email": address})
        assert answer.status_code == 200
        assert f"Als er een account bij {address} hoort" in text_of(answer)
    assert mails_to(session, "niemand@example.nl") == []
    mail = mails_to(session, "initiator@demo.koppel.nl", "password_reset")[0]
    assert mail.subject == "Kies een nieuw wachtwoord voor Koppel"
    path = link_in(mail, "/wachtwoord-herstellen/")

    other = type(client)(client.app)
    web_login(other, "initiator@demo.koppel.nl", "koppel-demo")
    assert signed_in_as(other) == "initiator@demo.koppel.nl"
    assert client.get(path).status_code == 200
    too_short = post(client, path, {"password": "kort"})
    assert too_short.status_code == 422 and "minstens 10 tekens" in too_short.text
    done = post(client, path, {"password": PASSWORD})
    assert done.headers["location"] == "/login?melding=wachtwoord"
    assert signed_in_as(other) is None  # the other browser is signed out
    session.expire_all()
    assert session.exec(select(WebSession).where(
        WebSession.user_id == user_by(session, "initiator@demo.koppel.nl").id)).all() == []
    again = client.get(path)
    assert again.status_code == 404 and "al gebruikt of verlopen" in text_of(again)
    assert web_login(client, "initiator@demo.koppel.nl", "koppel-demo").status_code == 401
    assert web_login(client, "initiator@demo.koppel.nl", PASSWORD).status_code == 303


def test_account_mails_to_one_address_are_limited_per_hour(client, session):
    for _ in range(5):
        post(client, "/wachtwoord-vergeten", {"email": "broker@demo.koppel.nl"})
    assert len(mails_to(session, "broker@demo.koppel.nl", "password_reset")) == 3


def test_one_machine_cannot_ask_for_links_without_end(client, session):
    for i in range(10):
        assert post(client, "/wachtwoord-vergeten", {"email": f"x{i}@example.nl"}).status_code \
            == 200
    refused = post(client, "/wachtwoord-vergeten", {"email": "x10@example.nl"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Te veel aanvragen vanaf uw verbinding" in text_of(refused)
    assert sign_up(client).status_code == 200  # each kind of request counts on its own


def test_change_password_needs_the_current_one_and_keeps_this_session(client, session):
    other = type(client)(client.app)
    web_login(other, "broker@demo.koppel.nl", "koppel-demo")
    web_login(client, "broker@demo.koppel.nl", "koppel-demo")
    page = client.get("/mijn/gegevens")
    assert page.status_code == 200 and "broker@demo.koppel.nl" in text_of(page)
    assert "Account verwijderen" not in text_of(page)  # only volunteers delete themselves
    wrong = post(client, "/mijn/gegevens/wachtwoord",
                 {"current_password": "fout-fout-fout", "password": PASSWORD}, "/mijn/gegevens")
    assert wrong.status_code == 422 and "uw huidige wachtwoord klopt niet" in wrong.text
    done = post(client, "/mijn/gegevens/wachtwoord",
                {"current_password": "koppel-demo", "password": PASSWORD}, "/mijn/gegevens")
    assert done.headers["location"] == "/mijn/gegevens?klaar=wachtwoord"
    assert "Uw nieuwe wachtwoord is opgeslagen" in text_of(client.get(done.headers["location"]))
    assert signed_in_as(client) == "broker@demo.koppel.nl"
    assert signed_in_as(other) is None


def test_change_email_takes_effect_only_after_the_link(client, session):
    web_login(client, "volunteer@demo.koppel.nl", "koppel-demo")
    taken = post(client, "/mijn/gegevens/e-mailadres",
                 {"email": "broker@demo.koppel.nl", "current_password": "koppel-demo"},
                 "/mijn/gegevens")
    assert taken.headers["location"] == "/mijn/gegevens?klaar=e-mailadres"
    assert mails_to(session, "broker@demo.koppel.nl", "email_change") == []
    post(client, "/mijn/gegevens/e-mailadres",
         {"email": "sanne@example.nl", "current_password": "koppel-demo"}, "/mijn/gegevens")
    assert user_by(session, "volunteer@demo.koppel.nl")  # not changed yet
    mail = mails_to(session, "sanne@example.nl", "email_change")[0]
    confirmed = client.get(link_in(mail, "/mijn/gegevens/e-mailadres/"),
                           follow_redirects=False)
    assert confirmed.headers["location"] == "/mijn/gegevens?klaar=nieuw-adres"
    user = user_by(session, "sanne@example.nl")
    volunteer = session.exec(select(Volunteer).where(Volunteer.user_id == user.id)).one()
    assert volunteer.email == "sanne@example.nl"  # invitations follow the login
    assert client.get(link_in(mail, "/mijn/gegevens/e-mailadres/")).status_code == 404
    client.cookies.clear()
    assert web_login(client, "sanne@example.nl", "koppel-demo").status_code == 303


def test_export_is_a_json_download_of_my_data(client):
    web_login(client, "volunteer@demo.koppel.nl", "koppel-demo")
    response = client.get("/mijn/gegevens/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["account"]["email"] == "volunteer@demo.koppel.nl"
    assert data["volunteer"]["name"] == "Sanne de Vries"


def test_a_volunteer_deletes_the_account_after_typing_the_word(client, session):
    web_login(client, "volunteer@demo.koppel.nl", "koppel-demo")
    assert "Account verwijderen" in text_of(client.get("/mijn/gegevens"))
    form = client.get("/mijn/gegevens/verwijderen")
    assert form.status_code == 200 and "Typ VERWIJDEREN" in text_of(form)
    wrong = post(client, "/mijn/gegevens/verwijderen", {"confirm": "ja"},
                 "/mijn/gegevens/verwijderen")
    assert wrong.status_code == 422 and "typ VERWIJDEREN om te bevestigen" in wrong.text
    user_id = user_by(session, "volunteer@demo.koppel.nl").id
    done = post(client, "/mijn/gegevens/verwijderen", {"confirm": "verwijderen"},
                "/mijn/gegevens/verwijderen")
    assert done.status_code == 200 and "Uw account is verwijderd" in text_of(done)
    assert "Ingelogd" not in done.text
    assert signed_in_as(client) is None
    session.expire_all()
    assert session.get(User, user_id).is_active is False
    assert web_login(client, "volunteer@demo.koppel.nl", "koppel-demo").status_code == 401


def test_staff_made_and_demo_accounts_log_in_and_land_in_their_area(client):
    for who, area in (("initiator", "/mijn"), ("broker", "/mijn")):
        client.cookies.clear()
        token = csrf_token(client)
        response = client.post("/login", data={"username": f"{who}@demo.koppel.nl",
                                               "password": "koppel-demo", "csrftoken": token},
                               follow_redirects=False)
        assert response.headers["location"] == area
    assert client.get("/mijn", follow_redirects=False).headers["location"] == "/broker"
    for who, area in (("admin", "/beheer"), ("fund", "/fonds"), ("consultant", "/consulent"),
                      ("volunteer", "/mijn/vrijwilliger"), ("initiator", "/mijn/initiatief")):
        client.cookies.clear()
        web_login(client, f"{who}@demo.koppel.nl", "koppel-demo")
        assert client.get("/mijn", follow_redirects=False).headers["location"] == area, who
