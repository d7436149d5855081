"""Web login with cookie sessions and CSRF protection."""

from datetime import timedelta

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import select

from db.models import Initiative, WebSession
from db.types import utcnow
from services.api.app import create_app
from tests.test_permissions import walk

PASSWORD = "koppel-demo"


def csrf_token(client, path="/login") -> str:
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    return soup.find("input", attrs={"name": "csrftoken"})["value"]


def web_login(client, email="staff@demo.koppel.nl", password=PASSWORD, next_path="/"):
    token = csrf_token(client)
    return client.post("/login", data={"username": email, "password": password,
                                       "csrftoken": token, "next": next_path},
                       follow_redirects=False)


def signed_in_as(client) -> str | None:
    account = BeautifulSoup(client.get("/").text, "html.parser").select_one("header .account")
    text = " ".join(account.get_text(" ").split())
    return text.removeprefix("Ingelogd als ").split(" ")[0] if "Ingelogd" in text else None


def test_login_form_is_accessible_and_carries_a_csrf_token(client):
    soup = BeautifulSoup(client.get("/login").text, "html.parser")
    form = soup.find("form", attrs={"action": "/login"})
    assert {i["name"] for i in form.find_all("input")} == {"csrftoken", "next", "username",
                                                          "password"}
    for name in ("username", "password"):
        field = form.find("input", attrs={"name": name})
        assert soup.find("label", attrs={"for": field["id"]})


def test_form_post_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "staff@demo.koppel.nl",
                                           "password": PASSWORD})
    assert response.status_code == 403
    client.get("/login")  # now a CSRF cookie exists, still no token in the form
    response = client.post("/login", data={"username": "staff@demo.koppel.nl",
                                           "password": PASSWORD})
    assert response.status_code == 403


def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(client, session):
    response = web_login(client, next_path="/initiatieven/1")
    assert response.status_code == 303 and response.headers["location"] == "/initiatieven/1"
    cookie = [c for c in response.headers.get_list("set-cookie")
              if c.startswith("koppel_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert signed_in_as(client) == "staff@demo.koppel.nl"
    stolen = client.cookies.get("koppel_session")
    logout = client.post("/logout", data={"csrftoken": csrf_token(client, "/")},
                         follow_redirects=False)
    assert logout.status_code == 303
    assert signed_in_as(client) is None
    client.cookies.set("koppel_session", stolen)
    assert signed_in_as(client) is None  # the old id is dead on the server too


def test_each_login_gets_a_new_session_id(client):
    web_login(client)
    first = client.cookies.get("koppel_session")
    web_login(client)
    second = client.cookies.get("koppel_session")
    assert first != second
    client.cookies.set("koppel_session", first)
    assert signed_in_as(client) is None


def test_sessions_expire_after_30_idle_minutes_and_12_hours(client, session):
    web_login(client)
    row = session.exec(select(WebSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    session.commit()
    assert signed_in_as(client) is None

    web_login(client)
    row = session.exec(select(WebSession)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert signed_in_as(client) is None


def test_wrong_password_in_the_form_shows_a_dutch_message(client):
    response = web_login(client, password="verkeerd-wachtwoord")
    assert response.status_code == 401
    assert "onjuist wachtwoord" in response.text


def test_next_cannot_send_you_to_another_site(client):
    response = web_login(client, next_path="//evil.example/steal")
    assert response.headers["location"] == "/"


def test_broker_sees_explained_suggestions_on_the_profile_page(client, session):
    buuv = session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()
    anonymous = BeautifulSoup(client.get(f"/initiatieven/{buuv.id}").text, "html.parser")
    assert anonymous.select("section.suggestions") == []
    web_login(client, email="broker@demo.koppel.nl")
    soup = BeautifulSoup(client.get(f"/initiatieven/{buuv.id}").text, "html.parser")
    blocks = soup.select("section.suggestions")
    assert len(blocks) == 2
    text = " ".join(blocks[1].get_text(" ").split())
    assert "Vrijwilliger" in text and " km" in text and "beschikbaar" in text
    assert "Haarlems Buurtfonds (demo)" in blocks[0].get_text()


def test_every_web_form_refuses_a_post_without_its_csrf_token(client, session):
    app = create_app(embedded_worker=False)
    posts = [path for kind, method, path, _ in walk(app.routes)
             if kind == "web" and method == "POST"]
    assert {"/login", "/logout", "/broker/matches/{match_id}/approve",
            "/broker/matches/{match_id}/reject", "/broker/queue/approve",
            "/broker/needs/new", "/i/{token}/accept"} <= set(posts)
    with TestClient(app, raise_server_exceptions=False) as browser:
        web_login(browser, email="broker@demo.koppel.nl")
        assert signed_in_as(browser) == "broker@demo.koppel.nl"  # cookies: session and CSRF
        for path in posts:
            concrete = path.replace("{match_id}", "1").replace("{need_id}", "1") \
                .replace("{token}", "x")
            response = browser.post(concrete, data={"note": "zonder token"},
                                    follow_redirects=False)
            assert response.status_code == 403, f"POST {path} without a CSRF token"
