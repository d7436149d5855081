"""The whole self-service loop in Chromium: a new initiator signs up, confirms, fills the profile,
publishes and posts a need; a volunteer finds it on the board and offers help; the initiator
accepts and logs hours, which the volunteer then sees."""

import re
import time
from datetime import date

import pytest
from playwright.sync_api import Page

from tests.browser_kit import SHOTS, axe_violations, too_wide
from tests.helpers import plain_text

pytestmark = pytest.mark.browser
EMAIL = "anna.moestuin@example.nl"
PASSWORD = "tomaten in de kas van de buurt"
NEED = "Hulp bij het wieden van de buurtmoestuin"


def mail_text(inbox, subject: str, to: str, timeout: float = 20) -> str:
    """The plain text of the first mail with this subject to this address."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in inbox.messages:
            if message["Subject"] == subject and to in message["To"]:
                return plain_text(message)
        time.sleep(0.2)
    raise AssertionError(f"no mail '{subject}' to {to}")


def looks_right(page: Page, name: str) -> None:
    """No serious axe finding and no sideways scrolling at 1280 and 390 px; a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            page.url, width, too_wide(page, width))
        assert axe_violations(page) == [], (page.url, width)
        page.screenshot(path=str(SHOTS / f"self-service-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_sign_up_post_a_need_get_help_and_log_hours(site, browser):
    base, inbox, _env = site
    # CSP is bypassed only so axe can be injected; the pages themselves carry no inline script.
    initiator = browser.new_context(base_url=base, bypass_csp=True).new_page()
    initiator.goto("/aanmelden?als=initiator")
    assert "Aanmelden bij Koppel" in initiator.inner_text("main"), initiator.inner_text("main")
    initiator.get_by_label("Initiatiefnemer: ons initiatief zoekt hulp").check()
    initiator.get_by_label("Uw naam").fill("Anna de Boer")
    initiator.get_by_label("E-mailadres", exact=True).fill(EMAIL)
    initiator.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    initiator.get_by_label("Naam van uw initiatief").fill("Buurtmoestuin De Kas")
    initiator.get_by_label("Postcode (4 cijfers)").fill("2011")
    initiator.get_by_role("button", name="Aanmelden").click()
    assert f"We hebben een e-mail gestuurd naar {EMAIL}" in initiator.inner_text("main")
    link = re.search(r"(http://127\.0\.0\.1:\d+/aanmelden/bevestigen/\S+)",
                     mail_text(inbox, "Bevestig uw e-mailadres voor Koppel", EMAIL)).group(1)
    initiator.goto(link)
    assert "Uw e-mailadres is bevestigd" in initiator.inner_text("main")
    log_in(initiator, EMAIL, PASSWORD)
    initiator.wait_for_url(f"{base}/mijn/initiatief")

    # The profile starts as a draft; the initiator fills it in and chooses to publish it.
    initiator.get_by_label("Omschrijving", exact=True).fill(
        "Buren telen samen groente in een oude kas en delen de oogst met de voedselbank.")
    initiator.get_by_role("button", name="Profiel opslaan").click()
    initiator.wait_for_url(re.compile(r"gedaan=opgeslagen"))
    initiator.get_by_role("button", name="Profiel openbaar maken").click()
    assert "Vink eerst aan" in initiator.inner_text("main")
    initiator.get_by_label("Ik begrijp dat mijn profiel voor iedereen zichtbaar wordt").check()
    initiator.get_by_role("button", name="Profiel openbaar maken").click()
    assert initiator.get_by_role("button", name="Niet meer openbaar maken").is_visible()

    initiator.get_by_role("link", name="Nieuwe vraag").click()
    initiator.get_by_label("Korte titel").fill(NEED)
    initiator.get_by_label("Uren per week (optioneel)").fill("2")
    initiator.get_by_label("Openbaar: iedereen kan deze vraag lezen").check()
    initiator.get_by_role("button", name="Vraag opslaan").click()
    initiator.wait_for_url(re.compile(r"/mijn/initiatief/vragen/\d+\?gedaan=opgeslagen"))
    need_path = initiator.url.split("?")[0].removeprefix(base)

    # A volunteer finds the new need on the public board and offers help.
    volunteer = browser.new_context(base_url=base, bypass_csp=True).new_page()
    log_in(volunteer, "volunteer@demo.koppel.nl", "koppel-demo")
    volunteer.wait_for_url(f"{base}/mijn/vrijwilliger")
    volunteer.goto("/hulpvragen")
    volunteer.get_by_label("Zoekwoorden").fill("wieden buurtmoestuin")
    volunteer.get_by_role("button", name="Zoeken").click()
    volunteer.get_by_role("link", name=NEED).click()
    looks_right(volunteer, "board-need")
    volunteer.get_by_role("button", name="Ik wil helpen").click()
    assert "Bedankt! Uw aanbod is verstuurd." in volunteer.inner_text("main")
    mail_text(inbox, f"Iemand wil helpen bij {NEED}", EMAIL)

    # The initiator sees the offer without a name, accepts it and only then sees who it is.
    initiator.goto(need_path)
    offer = initiator.locator("li.match", has_text="Aangeboden")
    assert "Sanne de Vries" not in offer.inner_text()
    looks_right(initiator, "need-with-offer")
    offer.get_by_role("button", name="Ja, graag").click()
    accepted = initiator.locator("li.match", has_text="Loopt")
    today = date.today()
    accepted.get_by_label("Aantal uren").fill("3")
    accepted.get_by_label("Datum").fill(today.isoformat())
    accepted.get_by_role("button", name="Uren opslaan").click()
    accepted = initiator.locator("li.match", has_text="Loopt")
    assert "Samen 3 uur" in accepted.inner_text()
    assert "Sanne de Vries" in accepted.inner_text()
    looks_right(initiator, "need-accepted")

    # The volunteer hears about it and finds the match running, with the hours.
    mail_text(inbox, "Buurtmoestuin De Kas neemt uw hulp graag aan", "volunteer@demo.koppel.nl")
    volunteer.goto("/mijn/vrijwilliger/koppelingen")
    running = volunteer.locator("section", has=volunteer.locator("#lopend"))
    assert NEED in running.inner_text() and "3 uur" in running.inner_text()
    looks_right(volunteer, "volunteer-matches")
