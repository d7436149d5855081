"""The doors a probe found open, each shut at its cause (one test per finding of the probe)."""

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from core.config import Settings
from db.models import Fund, Initiative, LoginThrottle, Match, Need
from db.types import utcnow
from services import cli
from services.notifications import service as notifications
from tests.helpers import demo_database, free_port, koppel_env, wait_for_http
from tests.test_auth import PASSWORD, login
from tests.test_permissions import walk
from tests.test_web_auth import csrf_token, signed_in_as, web_login

ROOT = Path(__file__).resolve().parents[1]
KOPPEL = [sys.executable, "-m", "services.cli"]


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory):
    """`koppel serve` on the demo's SQLite file, as `make demo` runs it."""
    env = koppel_env(KOPPEL_DATABASE_URL=demo_database(tmp_path_factory, "door"))
    port = free_port()
    server = subprocess.Popen(KOPPEL + ["serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/readyz", alive=lambda: server.poll() is None)
    yield base
    server.terminate()
    server.wait(timeout=20)


def test_1_concurrent_token_requests_and_a_second_login_never_fail_on_sqlite(served_demo):
    token = httpx.post(f"{served_demo}/api/v1/auth/token", data={
        "username": "broker@demo.koppel.nl", "password": PASSWORD}).json()["access_token"]
    statuses: list[int] = []

    def hammer() -> None:
        with httpx.Client(base_url=served_demo, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            for i in range(40):
                path = "/api/v1/me" if i % 2 else "/api/v1/initiatives?q=zorg"
                statuses.append(client.get(path).status_code)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses and set(statuses) == {200}
    with httpx.Client(base_url=served_demo, follow_redirects=False) as browser:
        web_login(browser, email="staff@demo.koppel.nl")
        old = browser.cookies.get("koppel_session")
        again = web_login(browser, email="staff@demo.koppel.nl")  # while signed in
        assert again.status_code == 303
        browser.cookies.set("koppel_session", old)
        assert signed_in_as(browser) is None  # the old session ended


def test_2_a_bearer_header_does_not_switch_off_csrf_on_the_site(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    match = session.exec(select(Match).where(Match.status == "proposed")).first()
    posts = [path for kind, method, path, _ in walk(client.app.routes)
             if kind == "web" and method == "POST"]
    for path in posts:
        concrete = path.replace("{match_id}", str(match.id)).replace(
            "{need_id}", str(match.need_id)).replace("{token}", "x").replace(
            "{mail_id}", "1").replace("{letter_id}", "1")
        response = client.post(concrete, headers={"Authorization": "Bearer junk"},
                               data={"note": "zonder token"}, follow_redirects=False)
        assert response.status_code == 403, path
        assert "formulier" in response.text.lower()
    session.expire_all()
    assert session.get(Match, match.id).status == "proposed"


def test_3_a_bsn_in_the_hours_note_of_a_link_is_refused(client, session):
    match = session.exec(select(Match).where(Match.resource_kind == "volunteer")).first()
    match.status = "active"
    session.commit()
    token = notifications.invitation_token(match.id)
    refused = client.post(f"/i/{token}/uren", data={
        "csrftoken": csrf_token(client, f"/i/{token}/uren"), "hours": "2",
        "on_date": utcnow().date().isoformat(), "note": "bsn 123 456 782"})
    assert refused.status_code == 422 and "burgerservicenummer" in refused.text


def test_4_a_need_posted_for_a_resident_stays_off_public_pages(client, session, login_as):
    buuv = session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()
    web_login(client, email="broker@demo.koppel.nl")
    form = BeautifulSoup(client.get("/broker/needs/new").text, "html.parser")
    assert "voor iedereen te lezen" in form.get_text()
    assert form.find("input", attrs={"name": "visibility", "value": "brokers"}).has_attr(
        "checked")
    client.post("/broker/needs/new", data={
        "csrftoken": csrf_token(client, "/broker/needs/new"), "initiative_id": buuv.id,
        "kind": "volunteers", "title": "Mevrouw J. (84) heupoperatie boodschappen",
        "resident_name": "Mevrouw J."}, follow_redirects=False)
    need = session.exec(select(Need).where(Need.title.like("Mevrouw J.%"))).one()
    assert need.visibility == "brokers"
    assert "heupoperatie" in client.get(f"/initiatieven/{buuv.id}").text  # the broker sees it
    client.cookies.clear()
    assert "heupoperatie" not in client.get(f"/initiatieven/{buuv.id}").text
    public = client.get(f"/api/v1/initiatives/{buuv.id}").json()
    assert need.id not in [n["id"] for n in public["needs"]]
    assert client.get(f"/api/v1/initiatives/{buuv.id}/needs/{need.id}").status_code == 404
    assert "BUUV" not in [i["name"] for i in client.get(
        "/api/v1/initiatives?q=heupoperatie").json()["items"]]
    assert need.id in [n["id"] for n in login_as("initiator").get(
        f"/api/v1/initiatives/{buuv.id}").json()["needs"]]


def test_5_production_unless_told_otherwise_and_dev_mail_for_admins_only(client, monkeypatch):
    monkeypatch.delenv("KOPPEL_ENV", raising=False)
    monkeypatch.delenv("KOPPEL_SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="KOPPEL_SECRET_KEY"):
        Settings(_env_file=None)
    assert client.get("/dev/mail", follow_redirects=False).status_code == 303  # log in first
    web_login(client, email="broker@demo.koppel.nl")
    assert client.get("/dev/mail").status_code == 403
    web_login(client, email="admin@demo.koppel.nl")
    assert client.get("/dev/mail").status_code == 200


@pytest.mark.parametrize("path", [f"/initiatieven/{2**63}", "/initiatieven/-1",
                                  "/?cursor=WyJhIiwgdHJ1ZV0"])
def test_6_huge_ids_and_odd_cursors_on_the_site_are_a_dutch_page(client, path):
    response = client.get(path)
    assert response.status_code in (404, 422) and "text/html" in response.headers["content-type"]
    assert "Internal" not in response.text


def test_7_the_address_throttle_forgets_and_a_login_clears_it(client, session, monkeypatch):
    for i in range(19):
        login(client, f"gok{i}@demo.koppel.nl", "wrong-password-x")
    assert login(client, "staff@demo.koppel.nl", PASSWORD).status_code == 200
    session.expire_all()
    assert session.get(LoginThrottle, "address:testclient") is None  # cleared by the success
    for i in range(19):
        login(client, f"gok{i}@demo.koppel.nl", "wrong-password-x")
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        # The old failures left the window: one more is not the twentieth.
        assert login(client, "nobody@demo.koppel.nl", "x-x-x-x-x-x").status_code == 401
        assert login(client, "staff@demo.koppel.nl", PASSWORD).status_code == 200
    seen = {}
    monkeypatch.setattr(cli.uvicorn, "run", lambda *a, **kw: seen.update(kw))
    cli.serve(host=None, port=None, reload=False, workers=1)
    assert seen["proxy_headers"] is False  # X-Forwarded-For is not believed by default
    monkeypatch.setenv("KOPPEL_TRUSTED_PROXIES", "10.0.0.5")
    cli.get_settings.cache_clear()
    cli.serve(host=None, port=None, reload=False, workers=1)
    cli.get_settings.cache_clear()
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.5"


def test_8_an_unexpected_failure_on_the_site_is_a_dutch_page(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr("web.routes.public.queries.list_initiatives", broken)
    page = client.get("/")
    assert page.status_code == 500 and "Er ging iets mis" in page.text
    assert "Internal Server Error" not in page.text
    assert client.get("/api/v1/initiatives").status_code == 500
    assert client.get("/api/v1/initiatives").json()["detail"] == "Er ging iets mis aan onze kant."


def test_9_openapi_documents_errors_and_code_lists(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/initiatives"]["post"]["responses"]
    assert {"401", "403", "409", "422", "429"} <= set(post)
    need = spec["components"]["schemas"]["NeedCreate"]["properties"]
    assert "volunteers" in need["kind"]["enum"] and "public" in need["visibility"]["enum"]
    assert need["needed_by"]["anyOf"][0]["format"] == "date"


def test_10_the_demo_fund_account_runs_its_fund_and_no_mail_is_not_called_sent(client, session,
                                                                              login_as):
    funds = login_as("fund").get("/api/v1/me").json()
    assert funds["organisation"] is not None
    match = session.exec(select(Match).where(Match.resource_kind == "fund",
                                             Match.status == "proposed")).first()
    session.get(Fund, match.resource_id).contact_email = None
    session.commit()
    web_login(client, email="admin@demo.koppel.nl")
    answer = client.post(f"/broker/matches/{match.id}/approve",
                         data={"csrftoken": csrf_token(client, "/broker/queue")})
    assert "géén uitnodiging verstuurd" in answer.text
