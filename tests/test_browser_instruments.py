"""Beheer › Instrumenten in real Chromium: staff open their catalogue from the menu, add an
instrument, are told in Dutch what is wrong, and save it.

Changes to the demo: GM0392 gets one instrument "Proefruimte (browsertest)".
"""

import re

import pytest

from tests.browser_kit import check

pytestmark = pytest.mark.browser


def test_staff_add_and_edit_an_instrument_of_their_catalogue(site, browser):
    base, _inbox, _env = site
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill("staff@demo.koppel.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("koppel-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
    menu_link = page.locator("nav a", has_text="Instrumenten")
    assert menu_link.count() == 1
    page.goto(menu_link.get_attribute("href"))
    assert page.get_by_role("heading", level=1).inner_text() == "Instrumenten"
    check(page, "beheer-instruments")

    page.get_by_role("link", name="Nieuw instrument").click()
    page.get_by_label("Soort instrument").select_option(label="Regelgeving")
    page.get_by_label("Titel").fill("Proefruimte (browsertest)")
    page.get_by_role("button", name="Instrument aanmaken").click()
    assert "Soorten vragen" in page.inner_text(".alert")
    check(page, "beheer-instrument-new")
    page.locator("#f-need_kinds-1").check()
    page.get_by_role("button", name="Instrument aanmaken").click()
    page.wait_for_url(re.compile(r"/beheer/instrumenten/\d+"))
    assert "Het instrument is aangemaakt." in page.inner_text("main")

    page.get_by_label("Maximumbedrag in euro (optioneel)").fill("veel")
    page.get_by_role("button", name="Opslaan").click()
    assert page.locator("#e-max_amount_eur").is_visible()
    page.get_by_label("Maximumbedrag in euro (optioneel)").fill("2.500")
    page.get_by_role("button", name="Opslaan").click()
    assert "Het instrument is opgeslagen." in page.inner_text("main")
    assert page.get_by_label("Maximumbedrag in euro (optioneel)").input_value() == "2.500"
    check(page, "beheer-instrument-edit")
    page.get_by_role("link", name="Alle instrumenten").click()
    assert "Proefruimte (browsertest)" in page.inner_text("main")
    assert "€ 2.500" in page.inner_text("main")
