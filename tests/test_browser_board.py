"""Hulpvragen in real Chromium: search the board, open a need, a volunteer says "Ik wil helpen"."""

import re
import sqlite3
import time

import pytest
from playwright.sync_api import Page

from tests.browser_kit import check, site_db

pytestmark = pytest.mark.browser
NEED = "Vrijwillige makelaars voor spreekuren en matches"


def look(page: Page, name: str) -> None:
    """Axe, no sideways scrolling and a screenshot, at 1280 and at 390 px wide."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        check(page, f"{name}-{width}")


def prepare(served) -> None:
    """BUUV gets a contact address; the demo volunteer starts without a match on the need."""
    db = sqlite3.connect(site_db(served))
    db.execute("UPDATE initiative SET contact_email = 'info@buuv.example' WHERE name = 'BUUV'")
    db.execute("DELETE FROM match WHERE resource_kind = 'volunteer' AND need_id = "
               "(SELECT id FROM need WHERE title = ?) AND resource_id = "
               "(SELECT id FROM volunteer WHERE email = 'volunteer@demo.koppel.nl')", (NEED,))
    db.commit()
    db.close()


def test_a_volunteer_finds_a_need_and_offers_help(site, browser):
    base, inbox, _env = site
    prepare(site)
    visitor = browser.new_context(base_url=base, bypass_csp=True).new_page()
    visitor.goto("/hulpvragen")
    visitor.get_by_label("Zoekwoorden").fill("vrijwiliger")
    visitor.get_by_label("Postcode (4 cijfers)").fill("2011")
    visitor.get_by_label("Volgorde").select_option("nearest")
    visitor.get_by_role("button", name="Zoeken").click()
    main = visitor.inner_text("main")
    assert "Bedoelde u vrijwilliger?" in main
    assert re.search(r"\d+ hulpvragen gevonden", main)
    first = visitor.locator("ul.cards li").first
    assert NEED in first.inner_text() and "0,0 km" in first.inner_text()
    look(visitor, "board-list")

    first.get_by_role("link", name=NEED).click()
    visitor.wait_for_url(re.compile(r"/hulpvragen/\d+$"))
    assert "Log in als vrijwilliger" in visitor.inner_text("main")
    visitor.get_by_role("link", name="Inloggen").click()
    visitor.fill("#f-username", "volunteer@demo.koppel.nl")
    visitor.fill("#f-password", "koppel-demo")
    visitor.keyboard.press("Enter")
    visitor.wait_for_url(re.compile(r"/hulpvragen/\d+$"))
    visitor.get_by_label("Bericht aan het initiatief (niet verplicht)").fill(
        "Ik kan op dinsdagochtend.")
    look(visitor, "board-need")
    visitor.get_by_role("button", name="Ik wil helpen").click()
    visitor.wait_for_url(re.compile(r"\?aangeboden=1$"))
    assert "Bedankt! Uw aanbod is verstuurd." in visitor.inner_text("main")
    check(visitor)

    deadline = time.monotonic() + 15
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    mail = inbox.messages[-1]
    assert " ".join(mail["Subject"].split()) == f"Iemand wil helpen bij {NEED}"
    assert mail["To"] == "info@buuv.example"
