"""Price list, value, map and open data in real Chromium: staff change a price and see it in
the history, the value of logged hours and the map render as SVG with their tables, and anyone
reads the /open-data page; axe-clean, no horizontal scroll at 390 px, screenshots.

Changes to the demo: GM0392's price list gets one change (Uur vrijwillige inzet), and one
initiative "Browsertest Waarde" (PC4 2011) with a need, five active matches and logged hours.
"""

import re
import sqlite3
from datetime import UTC, date, datetime

import pytest

from tests.browser_kit import check, site_db

pytestmark = pytest.mark.browser


def _seed_hours(path: str) -> None:
    """Our own initiative with hours, so the value section and the map have something to show."""
    now = datetime.now(UTC).isoformat()
    with sqlite3.connect(path) as db:
        cur = db.execute(
            "INSERT INTO initiative (name, sort_name, description, scope, municipality_code, "
            "pc4, published, search_text, created_at, updated_at) VALUES (?, ?, '', 'local', "
            "'GM0392', '2011', 0, '', ?, ?)",
            ("Browsertest Waarde", "browsertest waarde", now, now))
        initiative_id = cur.lastrowid
        db.execute("INSERT INTO initiative_label (initiative_id, lens, code, position) "
                   "VALUES (?, 'themes', 'elderly_care', 0)", (initiative_id,))
        need_id = db.execute(
            "INSERT INTO need (initiative_id, kind, title, description, skills, availability, "
            "status, visibility, created_at, updated_at) VALUES (?, 'volunteers', "
            "'Browsertest uren', '', '[]', '[]', 'closed', 'public', ?, ?)",
            (initiative_id, now, now)).lastrowid
        for person in range(5):
            match_id = db.execute(
                "INSERT INTO match (need_id, resource_kind, resource_id, score, reasons, "
                "explanation, status, created_at, updated_at) VALUES (?, 'volunteer', ?, 0.9, "
                "'[]', '', 'active', ?, ?)", (need_id, 9900 + person, now, now)).lastrowid
            db.execute("INSERT INTO hours_log (match_id, logged_by, hours, on_date, note, "
                       "created_at) VALUES (?, 'volunteer', 3, ?, '', ?)",
                       (match_id, date(2026, 10, 1).isoformat(), now))


def test_staff_change_a_price_and_see_history_value_and_map(site, browser):
    base, _inbox, _env = site
    _seed_hours(site_db(site).removeprefix("sqlite:///"))
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill("staff@demo.koppel.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("koppel-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
    page.goto(page.locator("nav a", has_text="Prijslijst").get_attribute("href"))
    assert page.get_by_role("heading", level=1).inner_text() == "Maatschappelijke prijslijst"
    assert "Nog niets gewijzigd" in page.inner_text("main")
    # 15 hours of our initiative at the default € 18,80 = € 282.
    value = page.locator("section.value-section")
    assert "Browsertest Waarde" in value.inner_text()
    assert "€ 282" in value.locator("table", has_text="Waarde per initiatief").inner_text()
    check(page, "prices")

    page.get_by_label("Uur vrijwillige inzet", exact=True).fill("veel")
    page.get_by_role("button", name="Prijslijst opslaan").click()
    assert page.locator("#e-volunteer_hour").inner_text() == \
        "moet een bedrag in euro zijn, bijvoorbeeld 18,80"
    assert "Nog niets gewijzigd" in page.inner_text("main")
    check(page, "prices-error")

    page.get_by_label("Uur vrijwillige inzet", exact=True).fill("20,00")
    page.get_by_role("button", name="Prijslijst opslaan").click()
    assert "De prijslijst is opgeslagen." in page.inner_text("main")
    history = page.locator("table", has_text="Alle wijzigingen").inner_text()
    assert "Uur vrijwillige inzet" in history and "€ 18,80" in history and "€ 20" in history
    assert "staff@demo.koppel.nl" in history
    # The same hours are now worth 15 × € 20 = € 300.
    assert "€ 300" in page.locator("table", has_text="Waarde per initiatief").inner_text()
    check(page, "prices-history")

    page.goto(page.locator("nav a", has_text="Kaart").get_attribute("href"))
    assert page.get_by_role("heading", level=1).inner_text() == "Kaart van Haarlem"
    assert page.locator("figure.map svg path").count() > 10
    assert "Bron: CBS, Kadaster" in page.inner_text("figure.map")
    check(page, "map")
    page.get_by_role("link", name="Koppelingen").click()
    assert "koppelingen" in page.inner_text("#kaart-kop")
    row = page.locator("section.map-section tr", has_text="2011").inner_text()
    assert re.search(r"\b([5-9]|\d{2,})\b", row.split("Haarlem")[-1])  # 5 made matches show
    check(page, "map-matches")


def test_admin_sees_the_map_of_all_municipalities(site, browser):
    base, _inbox, _env = site
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill("admin@demo.koppel.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("koppel-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
    page.goto("/gemeente/kaart")
    assert page.get_by_role("heading", level=1).inner_text() == "Kaart van alle gemeenten"
    assert page.locator("figure.map svg path").count() == 342
    check(page, "map-all")


def test_anyone_reads_the_open_data_page_and_fetches_the_files(site, browser):
    base, _inbox, _env = site
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()
    page.goto("/")
    page.get_by_role("link", name="Open data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open data"
    assert "CC BY 4.0" in page.inner_text("main")
    check(page, "open-data")
    files = page.locator("ul.files a")
    hsds = page.request.get(files.filter(has_text="HSDS").get_attribute("href"))
    assert hsds.ok and hsds.json()["contents"]
    giving = page.request.get(files.filter(has_text="360Giving").get_attribute("href"))
    assert giving.ok and giving.json()["version"] == "1.4"
