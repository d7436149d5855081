"""Mijn initiatief in real Chromium: edit the profile, post a need, see suggestions and say
"past niet" with a reason; axe-core and no horizontal scroll at 1280 and 390 px."""

import re

import pytest
from playwright.sync_api import Page

from tests.browser_kit import SHOTS, axe_violations

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)


def login(browser, base: str, width: int) -> Page:
    page = browser.new_context(base_url=base, bypass_csp=True,
                               viewport={"width": width, "height": 900}).new_page()
    page.goto("/login")
    page.fill("#f-username", "initiator@demo.koppel.nl")
    page.fill("#f-password", "koppel-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def looks_right(page: Page, name: str, width: int) -> None:
    """No serious axe finding, nothing wider than the screen, and a screenshot."""
    assert axe_violations(page) == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_initiator_edits_the_profile_posts_a_need_and_answers(site, browser):
    base, _inbox, _env = site
    page = login(browser, base, 1280)
    page.goto("/mijn/initiatief")
    assert "Profiel voor" in page.inner_text("#compleet-titel + p")
    page.get_by_label("Omschrijving", exact=True).fill("Buren helpen buren in Haarlem.")
    page.get_by_label("Opgericht in").fill("1200")
    page.get_by_role("button", name="Profiel opslaan").click()
    assert "Controleer de invoer" in page.inner_text("main")
    assert page.inner_text("#e-founding_year")
    page.get_by_label("Opgericht in").fill("2011")
    page.get_by_role("button", name="Profiel opslaan").click()
    page.wait_for_url(re.compile(r"gedaan=opgeslagen"))
    assert "Het profiel is opgeslagen" in page.inner_text("main")
    looks_right(page, "my-initiative-profile", 1280)

    page.get_by_role("link", name="Nieuwe vraag").click()
    page.get_by_label("Korte titel").fill("Hulp bij de moestuin")
    page.get_by_label("Uren per week (optioneel)").fill("2,5")
    page.get_by_label("Openbaar: iedereen kan deze vraag lezen").check()
    looks_right(page, "my-initiative-need-form", 1280)
    page.get_by_role("button", name="Vraag opslaan").click()
    page.wait_for_url(re.compile(r"/mijn/initiatief/vragen/\d+\?gedaan=opgeslagen"))
    assert "2,5 uur per week" in page.inner_text("main")

    # The demo need for volunteers already has suggestions from the matching run.
    page.goto("/mijn/initiatief")
    page.locator(".mine-list li", has_text="Vrijwilligers, handen").locator("a").first.click()
    page.wait_for_url(re.compile(r"/mijn/initiatief/vragen/\d+$"))
    assert "Voorstellen en aanbiedingen van hulp" in page.inner_text("main")
    looks_right(page, "my-initiative-need", 1280)
    suggestion = page.locator("li.match", has=page.get_by_role("button", name="Past niet"))
    suggestion = suggestion.first
    assert "Wat gebeurt er nu?" in suggestion.inner_text()
    assert "Voorgesteld" in suggestion.inner_text()
    suggestion.get_by_label("Waarom past het niet? (optioneel)").fill("Te ver weg voor ons")
    suggestion.get_by_role("button", name="Past niet").click()
    page.wait_for_url(re.compile(r"gedaan=not_a_fit"))
    assert "Genoteerd: dit past niet" in page.inner_text("main")
    assert "Uw reden: Te ver weg voor ons" in page.inner_text("main")

    need_path = page.url.split("?")[0].removeprefix(base)
    page.set_viewport_size({"width": 390, "height": 900})
    for path, name in (("/mijn/initiatief", "my-initiative-profile"),
                       (need_path, "my-initiative-need"),
                       ("/mijn/initiatief/vragen/nieuw", "my-initiative-need-form"),
                       ("/mijn/initiatief/aanbod/nieuw", "my-initiative-offer-form")):
        page.goto(path)
        looks_right(page, name, 390)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/mijn/initiatief/aanbod/nieuw")
    looks_right(page, "my-initiative-offer-form", 1280)
