"""Fonds in real Chromium: the fund logs in, tunes its criteria, creates, closes and opens a
call, answers a suggestion and records a grant that lowers the remaining budget.

Changes to the demo: Stichting Zonnige Jeugd also lists Noord-Holland (it stays national, so
its matches stay the same), gets a call "Buurtbudget (browsertest)", and its Jaarronde gets one
grant of € 12.500 and one "interesse".
"""

import re
from datetime import date, timedelta

import pytest

from tests.browser_kit import check

pytestmark = pytest.mark.browser


def test_a_fund_works_its_criteria_calls_and_grants(site, browser):
    base, _inbox, _env = site
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()
    page.goto("/login")
    page.fill("#f-username", "fund@demo.koppel.nl")
    page.fill("#f-password", "koppel-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fonds$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Stichting Zonnige Jeugd"
    assert re.search(r"\d+ gepubliceerde vragen? pas", page.inner_text("main"))

    page.get_by_label("Noord-Holland").check()
    page.get_by_label("Maximumbedrag in euro").fill("veel")
    page.get_by_role("button", name="Criteria opslaan").click()
    assert "Maximumbedrag" in page.inner_text(".alert")
    page.get_by_label("Maximumbedrag in euro").fill("50.000")
    page.get_by_role("button", name="Criteria opslaan").click()
    assert "De criteria zijn opgeslagen." in page.inner_text("main")
    assert page.get_by_label("Noord-Holland").is_checked()
    check(page, "fund-home")

    page.locator("summary", has_text="Nieuwe oproep").click()
    page.get_by_label("Titel").fill("Buurtbudget (browsertest)")
    page.get_by_label("Budget in euro").fill("20.000")
    page.get_by_label("Maximale toekenning in euro (optioneel)").fill("5.000")
    page.get_by_label("Opent op").fill(date.today().isoformat())
    page.get_by_label("Sluit op").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Oproep aanmaken").click()
    page.wait_for_url(re.compile(r"/fonds/oproepen/\d+"))
    main = page.inner_text("main")
    assert "De oproep is aangemaakt." in main and "€ 20.000" in main
    page.get_by_role("button", name="Oproep sluiten").click()
    assert "De oproep is gesloten." in page.inner_text("main")
    page.get_by_role("button", name="Oproep openen").click()
    assert "De oproep is geopend." in page.inner_text("main")

    page.get_by_role("link", name="Fonds").first.click()
    page.get_by_role("link", name="Jaarronde").click()
    remaining = page.inner_text(".fund-remaining")
    suggestions = page.locator("ul.fund-suggestions > li")
    assert suggestions.count() > 0
    first = suggestions.first.locator("h3").inner_text()
    suggestions.first.get_by_role("button", name=f"Interesse in {first}").click()
    assert "Uw interesse is vastgelegd." in page.inner_text("main")
    assert "u heeft interesse" in page.locator("ul.fund-suggestions").inner_text()

    page.get_by_label("Initiatief").select_option(label=first)
    page.get_by_label("Bedrag in euro").fill("12.500")
    page.get_by_role("button", name="Toekenning vastleggen").click()
    main = page.inner_text("main")
    assert "De toekenning is vastgelegd." in main and f"€ 12.500 aan {first}" in main
    before = int(re.sub(r"\D", "", remaining))
    assert page.inner_text(".fund-remaining") == "€ " + f"{before - 12500:,}".replace(",", ".")
    check(page, "fund-call")

    page.get_by_role("link", name=first).first.click()
    assert "€ 12.500 van Stichting Zonnige Jeugd" in page.inner_text("main")
