"""The broker flow in real headless Chromium, with axe-core checks and screenshots."""

import re
import sqlite3
import time
from datetime import date

import pytest

from tests.browser_kit import check, run_cli, site_db
from tests.helpers import plain_text

pytestmark = pytest.mark.browser


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
    broker.wait_for_url(f"{base}/broker")  # a login lands on the own area: the start page
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
    wide = browser.new_context(base_url=base, bypass_csp=True,
                               viewport={"width": 1280, "height": 900}).new_page()
    wide.goto("/docs")
    wide.locator(".opblock").first.wait_for()
    check(wide, "api-docs")
