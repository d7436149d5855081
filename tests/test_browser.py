"""The broker flow in real headless Chromium, with axe-core checks and screenshots."""

import os
import re
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, sync_playwright

from tests.helpers import Inbox, free_port, koppel_env, plain_text, wait_for_http

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("KOPPEL_CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo served by `koppel serve` on SQLite, mailing to an in-process SMTP server."""
    inbox = Inbox()
    smtp_port, port = free_port(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    base = f"http://127.0.0.1:{port}"
    env = koppel_env()
    env |= {"KOPPEL_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('web') / 'demo.db'}",
            "KOPPEL_SMTP_HOST": "127.0.0.1", "KOPPEL_SMTP_PORT": str(smtp_port),
            "KOPPEL_BASE_URL": base}
    koppel = [sys.executable, "-m", "services.cli"]
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(koppel + args, cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen(koppel + ["serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_http(f"{base}/readyz", alive=lambda: server.poll() is None)
    yield base, inbox, env
    server.terminate()
    server.wait(timeout=20)
    controller.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


def site_db(site) -> str:
    """The SQLite file the served demo uses."""
    return site[2]["KOPPEL_DATABASE_URL"].removeprefix("sqlite:///")


def run_cli(site, args: list[str]) -> str:
    """Run a `koppel` command against the served demo."""
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=site[2],
                          check=True, capture_output=True, text=True).stdout


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core findings on the current page."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run()).violations"
                          ".filter(v => ['serious', 'critical'].includes(v.impact))"
                          ".map(v => v.id + ': ' + v.nodes.length)")
    return found


def check(page: Page, name: str | None = None) -> None:
    assert axe_violations(page) == [], page.url
    if name:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_broker_approves_and_the_volunteer_accepts(site, browser):
    base, inbox, _env = site
    # CSP is bypassed only so axe can be injected; the pages themselves carry no inline script.
    broker = browser.new_context(base_url=base, bypass_csp=True).new_page()
    broker.goto("/")
    check(broker)
    broker.goto("/login")
    check(broker)
    broker.fill("#f-username", "broker@demo.koppel.nl")
    broker.fill("#f-password", "koppel-demo")
    broker.keyboard.press("Enter")
    broker.wait_for_url(f"{base}/broker/queue")  # a login lands on the own area
    assert "Ingelogd als broker@demo.koppel.nl" in broker.inner_text("header")

    broker.goto("/broker/queue?kind=volunteer")
    check(broker, "queue")
    first = broker.locator("table.queue tbody tr").first
    first.locator("td a").first.click()
    broker.wait_for_url(re.compile(r"/broker/matches/\d+"))
    check(broker, "match-detail")
    assert "Waarom dit voorstel" in broker.inner_text("main")
    broker.get_by_role("button", name="Goedkeuren").focus()
    broker.keyboard.press("Enter")  # keyboard only
    broker.wait_for_url(re.compile(r"/broker/queue\?done=approved"))
    assert "Het voorstel is goedgekeurd" in broker.inner_text("main")

    deadline = time.monotonic() + 15
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    invitation = inbox.messages[0]
    assert invitation["Subject"].startswith("Wilt u meedoen?")
    text = plain_text(invitation)
    accept = re.search(r"(http://127\.0\.0\.1:\d+/i/\S+/accept)", text).group(1)

    volunteer = browser.new_context(bypass_csp=True).new_page()  # not logged in
    volunteer.goto(accept)
    check(volunteer, "invitation")
    volunteer.get_by_role("button", name="Ja, ik doe mee").click()
    assert "Fijn dat u meedoet" in volunteer.inner_text("main")

    volunteer.get_by_role("link", name="Uren doorgeven").click()
    check(volunteer)
    volunteer.get_by_label("Aantal uren").fill("2,5")
    volunteer.get_by_label("Datum").fill(date.today().isoformat())
    volunteer.get_by_role("button", name="Opslaan").click()
    assert "De uren zijn genoteerd" in volunteer.inner_text("main")

    # Two weeks later the worker asks both sides whether the help happened.
    db = sqlite3.connect(site_db(site))
    db.execute("UPDATE match SET answered_at = datetime('now', '-15 days') "
               "WHERE status = 'active'")
    db.commit()
    db.close()
    run_cli(site, ["follow-ups"])
    deadline = time.monotonic() + 15
    while len(inbox.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    follow_up = inbox.messages[-1]
    assert follow_up["Subject"].startswith("Is de hulp gelukt?")
    text = plain_text(follow_up)
    volunteer.goto(re.search(r"(http://127\.0\.0\.1:\d+/i/\S+/gelukt)", text).group(1))
    check(volunteer, "follow-up")
    volunteer.get_by_label("Ja, het is gelukt").check()
    volunteer.get_by_role("button", name="Versturen").click()
    assert "Dank u wel voor uw antwoord" in volunteer.inner_text("main")

    for path, shot in (("/broker/intakes/new", "intake-form"), ("/broker/needs/new", None),
                       ("/broker/referrals", None), ("/broker/follow-up", None),
                       ("/dev/mail", None), ("/?q=mantelzorg", None),
                       ("/initiatieven/1", "profile")):
        broker.goto(path)
        check(broker, shot)


def test_api_docs_render_from_our_own_origin(site, browser):
    """Swagger UI comes from the package, not a CDN, and runs under the page's real CSP."""
    base, _inbox, _env = site
    page = browser.new_context(base_url=base).new_page()
    requested, refused = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/docs")
    needs_path = "/api/v1/initiatives/{initiative_id}/needs"
    page.get_by_text(needs_path, exact=True).first.wait_for(timeout=20_000)
    assert requested and all(url.startswith(base) for url in requested), requested
    assert refused == []
    assert page.locator(".opblock").count() >= 40
    for width in (1280, 390):
        wide = browser.new_context(base_url=base, bypass_csp=True,
                                   viewport={"width": width, "height": 900}).new_page()
        wide.goto("/docs")
        wide.locator(".opblock").first.wait_for()
        assert wide.evaluate("document.documentElement.scrollWidth") <= width
        check(wide, f"api-docs-{width}")
