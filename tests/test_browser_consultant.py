"""Consulent in real Chromium: register a client, open the record, approve a placement.

Works on a client of its own; the placement it approves is inserted for that client, so the
demo's own proposals (broker queue) stay as other modules expect them."""

import re
import sqlite3
import time

import pytest

from tests.browser_kit import check, site_db

pytestmark = pytest.mark.browser
WIDE = {"width": 1280, "height": 900}
PSEUDONYM = "Kandidaat Browser-1"


def propose_placement(served, client_id: int) -> tuple[int, str, str]:
    """A placement the matcher could have proposed for this client, straight in the database,
    once the rematch for the new client has run (it would drop a proposal it did not make)."""
    db = sqlite3.connect(site_db(served), timeout=10)
    deadline = time.monotonic() + 30
    while db.execute("SELECT count(*) FROM outbox_message WHERE processed_at IS NULL"
                     ).fetchone()[0] and time.monotonic() < deadline:
        time.sleep(0.2)
    need_id, title, initiative = db.execute(
        "SELECT need.id, need.title, initiative.name FROM need JOIN initiative ON initiative.id = "
        "need.initiative_id WHERE initiative.municipality_code = 'GM0392' AND need.status = "
        "'open' AND need.id NOT IN (SELECT need_id FROM match WHERE resource_kind = "
        "'placement' AND resource_id = ?) ORDER BY need.id LIMIT 1", (client_id,)).fetchone()
    db.execute(
        "INSERT INTO match (need_id, resource_kind, resource_id, score, reasons, explanation, "
        "status, created_at, updated_at) SELECT ?, 'placement', ?, 0.8, "
        "'[{\"code\": \"skills\", \"value\": [\"cooking\"]}, "
        "{\"code\": \"distance_km\", \"value\": 1.2}]', 'kan koken · 1,2 km', 'proposed', "
        "created_at, created_at FROM participation_client WHERE id = ?",
        (need_id, client_id, client_id))
    match_id = db.execute("SELECT max(id) FROM match").fetchone()[0]
    db.commit()
    db.close()
    return match_id, title, initiative


def test_consultant_registers_a_client_and_approves_a_placement(site, browser):
    base, inbox, _env = site
    page = browser.new_context(base_url=base, bypass_csp=True, viewport=WIDE,
                               locale="nl-NL").new_page()
    page.goto("/login")
    page.fill("#f-username", "consultant@demo.koppel.nl")
    page.fill("#f-password", "koppel-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/consulent")  # a login without `next` lands in the own area
    assert "Kandidaat Noord-1" in page.inner_text("ul.client-list")
    check(page, "consultant-home")

    page.get_by_label("Pseudoniem").fill("Kandidaat 111222333")
    page.get_by_label("Route").select_option(label="Toeleiden naar vrijwilligerswerk")
    page.check("#nieuw-skills-cooking")
    page.get_by_label("di ochtend").check()
    page.get_by_role("button", name="Cliënt aanmelden").click()
    assert "burgerservicenummer" in page.inner_text("#e-pseudonym")
    assert page.get_by_label("di ochtend").is_checked()  # what was ticked stays ticked
    page.get_by_label("Pseudoniem").fill(PSEUDONYM)
    page.get_by_label("Uren per week").fill("6,5")
    page.get_by_role("button", name="Cliënt aanmelden").click()
    page.wait_for_url(re.compile(r"/consulent/clienten/\d+\?done=created"))
    client_id = int(re.search(r"/clienten/(\d+)", page.url).group(1))
    assert "6,5 uur" in page.inner_text("main")

    match_id, title, initiative = propose_placement(site, client_id)
    page.reload()
    card = page.locator(f"#voorstel-{match_id}")
    assert title in card.inner_text() and "Voorgesteld" in card.inner_text()
    check(page, "consultant-client")
    seen = len(inbox.messages)
    card.get_by_role("button", name="Goedkeuren").click()
    page.wait_for_url(re.compile(r"done=approved"))
    assert "Uitgenodigd" in page.locator(f"#voorstel-{match_id}").inner_text()

    def invitations() -> list:
        return [m for m in inbox.messages[seen:] if m["To"] == "consultant@demo.koppel.nl"]

    deadline = time.monotonic() + 20
    while not invitations() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [m["Subject"] for m in invitations()] == [
        f"Voorstel voor een participatieplek bij {initiative}"]
