"""Zoekopdrachten in real Chromium: a broker saves a search from the initiative list, changes
how often the digest comes, unsubscribes through the mail's link (no login) and deletes it."""

import re
import sqlite3

import pytest
from playwright.sync_api import Page

from services.searches import service as searches
from tests.browser_kit import check, site_db

pytestmark = pytest.mark.browser
NAME = "Samenleven in Haarlem"


def look(page: Page, name: str) -> None:
    """Axe, no sideways scrolling and a screenshot, at 1280 and at 390 px wide."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"saved-searches-{name}-{width}")


def saved_id(served) -> int:
    db = sqlite3.connect(site_db(served))
    row = db.execute("SELECT id FROM saved_search WHERE name = ?", (NAME,)).fetchone()
    db.close()
    return row[0]


def test_a_broker_saves_a_search_changes_it_and_deletes_it(site, browser):
    base, _inbox, _env = site
    broker = browser.new_context(base_url=base, bypass_csp=True).new_page()
    broker.goto("/login")
    broker.fill("#f-username", "broker@demo.koppel.nl")
    broker.fill("#f-password", "koppel-demo")
    broker.keyboard.press("Enter")
    broker.wait_for_url(lambda url: "/login" not in url)

    broker.goto("/")
    broker.get_by_label("Gemeente", exact=True).select_option(label="Haarlem")
    broker.get_by_role("button", name="Zoeken").click()
    broker.wait_for_url(re.compile(r"municipality=GM0392"))
    broker.get_by_label("Naam van de zoekopdracht").fill(NAME)
    broker.get_by_label("Hoe vaak een overzicht").select_option(label="Wekelijks")
    look(broker, "save")
    broker.get_by_role("button", name="Bewaar deze zoekopdracht").click()
    broker.wait_for_url(re.compile(r"/zoekopdrachten\?gedaan=bewaard$"))
    card = broker.locator("ul.saved-searches li", has_text=NAME)
    text = card.inner_text()
    assert "Gemeente: Haarlem" in text and "GM0392" not in text
    assert "wekelijks een overzicht" in text and "Nog geen overzicht verstuurd" in text
    look(broker, "list")

    card.get_by_label(re.compile("^Hoe vaak")).select_option(label="Dagelijks")
    card.get_by_role("button", name=re.compile("^Wijzig")).click()
    broker.wait_for_url(re.compile(r"gedaan=gewijzigd$"))
    assert "dagelijks een overzicht" in broker.locator(
        "ul.saved-searches li", has_text=NAME).inner_text()

    # The link in a digest works for anyone holding the mail, without logging in.
    reader = browser.new_context(base_url=base, bypass_csp=True).new_page()
    reader.goto(f"/zoekopdrachten/afmelden/{searches.unsubscribe_token(saved_id(site))}")
    assert NAME in reader.inner_text("main")
    look(reader, "unsubscribe")
    reader.get_by_role("button", name="Afmelden").click()
    assert "U bent afgemeld" in reader.inner_text("main")

    broker.goto("/zoekopdrachten")
    card = broker.locator("ul.saved-searches li", has_text=NAME)
    assert "Afgemeld voor e-mail op" in card.inner_text()
    card.get_by_role("button", name=re.compile("^Verwijderen")).click()
    broker.wait_for_url(re.compile(r"gedaan=verwijderd$"))
    assert NAME not in broker.inner_text("main")
    assert "De zoekopdracht is verwijderd" in broker.inner_text("main")
