"""Mijn vrijwilligerswerk in real Chromium: profile, an invitation accepted in the app, hours."""

import re
import sqlite3

import pytest
from playwright.sync_api import Page

from tests.browser_kit import SHOTS, axe_violations, site_db

pytestmark = pytest.mark.browser
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def check_both(page: Page, name: str) -> None:
    """axe-core at 1280 and 390 px, no sideways scrolling on the phone, a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], (page.url, size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], (page.url, size, width)
        page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(WIDE)


def invite_the_demo_volunteer(served) -> tuple[int, str]:
    """An invitation the broker approved for the demo volunteer, straight in the served
    database (the demo proposes other volunteers first)."""
    db = sqlite3.connect(site_db(served))
    volunteer_id = db.execute(
        "SELECT id FROM volunteer WHERE name = 'Sanne de Vries'").fetchone()[0]
    need_id, title = db.execute(
        "SELECT id, title FROM need WHERE kind = 'volunteers' AND status = 'open' AND id NOT IN "
        "(SELECT need_id FROM match WHERE resource_kind = 'volunteer' AND resource_id = ?) "
        "ORDER BY id LIMIT 1", (volunteer_id,)).fetchone()
    db.execute(
        "INSERT INTO match (need_id, resource_kind, resource_id, score, reasons, explanation, "
        "status, created_at, updated_at, decided_at) SELECT ?, 'volunteer', ?, 0.8, '[]', "
        "'kan klussen · 1,2 km · beschikbaar di', 'approved', created_at, created_at, "
        "created_at FROM match ORDER BY id LIMIT 1", (need_id, volunteer_id))
    match_id = db.execute("SELECT max(id) FROM match").fetchone()[0]
    db.commit()
    db.close()
    return match_id, title


def test_volunteer_fills_the_profile_accepts_and_logs_hours(site, browser):
    base, _inbox, _env = site
    match_id, title = invite_the_demo_volunteer(site)
    page = browser.new_context(base_url=base, bypass_csp=True, viewport=WIDE,
                               locale="nl-NL").new_page()
    page.goto("/login")
    page.fill("#f-username", "volunteer@demo.koppel.nl")
    page.fill("#f-password", "koppel-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
    page.goto("/mijn")  # each role lands in its own area
    page.wait_for_url(f"{base}/mijn/vrijwilliger")
    assert "1 uitnodiging die op uw antwoord wacht" in page.inner_text("main")
    check_both(page, "my-volunteer-profile")

    page.get_by_label("Klussen", exact=True).check()
    page.get_by_label("di ochtend").check()
    page.get_by_label("za middag").check()
    page.get_by_label("Hoe ver wilt u reizen? (km)").fill("150")
    page.get_by_role("button", name="Profiel opslaan").click()
    assert "kies een afstand van 0 tot 100 km" in page.inner_text("main")
    assert page.get_by_label("di ochtend").is_checked()  # what was ticked stays ticked
    page.get_by_label("Hoe ver wilt u reizen? (km)").fill("7,5")
    page.get_by_role("button", name="Profiel opslaan").click()
    assert "Uw profiel is opgeslagen" in page.inner_text("main")
    assert page.get_by_label("za middag").is_checked()
    assert page.get_by_label("Hoe ver wilt u reizen? (km)").input_value() == "7,5"

    page.get_by_role("link", name="Bekijk en beantwoord").click()
    page.wait_for_url(f"{base}/mijn/vrijwilliger/koppelingen")
    card = page.locator(f"#koppeling-{match_id}")
    assert title in card.inner_text()
    assert "De makelaar kijkt eerst of het past" in page.inner_text("main")
    assert axe_violations(page) == []
    card.get_by_role("button", name="Ja, ik doe mee").click()
    page.wait_for_url(re.compile(r"done=accepted"))
    assert "Fijn dat u meedoet" in page.inner_text("main")

    card = page.locator(f"#koppeling-{match_id}")
    assert "Contactpersoon" in card.inner_text() or "Initiatief" in card.inner_text()
    card.get_by_label("Aantal uren").fill("2,5")
    card.get_by_label("Wat heeft u gedaan? (optioneel)").fill("Boodschappen gedaan")
    card.get_by_role("button", name="Uren opslaan").click()
    page.wait_for_url(re.compile(r"done=hours"))
    card = page.locator(f"#koppeling-{match_id}")
    assert "Totaal 2,5 uur" in " ".join(card.locator("tfoot").inner_text().split())
    check_both(page, "my-volunteer-matches")
