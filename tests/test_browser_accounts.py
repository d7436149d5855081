"""Accounts in real Chromium: sign up, confirm by mail, log in, forget and reset the password."""

import re
import time

import pytest
from playwright.sync_api import Page

from tests.browser_kit import SHOTS, axe_violations
from tests.helpers import plain_text

pytestmark = pytest.mark.browser
EMAIL = "lotte@example.nl"


def wait_for_mail(inbox, subject: str, timeout: float = 20) -> str:
    """The plain text of the first mail with this subject that the SMTP server received."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in inbox.messages:
            if message["Subject"] == subject:
                return plain_text(message)
        time.sleep(0.2)
    raise AssertionError(f"no mail '{subject}'")


def both_widths(page: Page, name: str) -> None:
    """axe-core and no sideways scrolling at 1280 and 390 px, with a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, width)
        assert axe_violations(page) == [], (page.url, width)
        page.screenshot(path=str(SHOTS / f"account-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page: Page, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill(EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_a_volunteer_signs_up_confirms_logs_in_and_resets_the_password(site, browser):
    base, inbox, _env = site
    # CSP is bypassed only so axe can be injected; the pages themselves carry no inline script.
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()
    page.goto("/aanmelden")
    both_widths(page, "signup")
    page.get_by_label("Vrijwilliger: ik wil helpen").check()
    assert not page.get_by_label("Naam van uw initiatief").is_visible()
    page.get_by_label("Uw naam").fill("Lotte Jansen")
    page.get_by_label("E-mailadres", exact=True).fill(EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill("kort")
    page.get_by_label("Postcode (4 cijfers)").fill("2011")
    page.get_by_role("button", name="Aanmelden").click()
    assert "kies een wachtwoord van minstens 10 tekens" in page.inner_text("main")
    assert "zonder uw toestemming" in page.inner_text("main")
    page.get_by_label("Wachtwoord", exact=True).fill("fietsen langs het spaarne")
    page.get_by_label(re.compile("Koppel mag mijn naam")).check()
    page.get_by_role("button", name="Aanmelden").click()
    assert "We hebben een e-mail gestuurd naar lotte@example.nl" in page.inner_text("main")

    log_in(page, "fietsen langs het spaarne")
    assert "Bevestig eerst uw e-mailadres" in page.inner_text("main")
    text = wait_for_mail(inbox, "Bevestig uw e-mailadres voor Koppel")
    page.goto(re.search(r"(http://127\.0\.0\.1:\d+/aanmelden/bevestigen/\S+)", text).group(1))
    assert "Uw e-mailadres is bevestigd" in page.inner_text("main")
    page.get_by_label("E-mailadres", exact=True).fill(EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill("fietsen langs het spaarne")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/vrijwilliger")
    page.goto("/mijn/gegevens")
    assert EMAIL in page.inner_text("main")
    both_widths(page, "data")

    # Forgotten: another browser asks for a link; the first one is signed out by the reset.
    other = browser.new_context(base_url=base, bypass_csp=True).new_page()
    other.goto("/login")
    other.get_by_role("link", name="Wachtwoord vergeten?").click()
    both_widths(other, "forgotten")
    other.get_by_label("E-mailadres", exact=True).fill(EMAIL)
    other.get_by_role("button", name="Stuur mij een link").click()
    assert "Als er een account bij lotte@example.nl hoort" in other.inner_text("main")
    text = wait_for_mail(inbox, "Kies een nieuw wachtwoord voor Koppel")
    other.goto(re.search(r"(http://127\.0\.0\.1:\d+/wachtwoord-herstellen/\S+)", text).group(1))
    both_widths(other, "reset")
    other.get_by_label("Nieuw wachtwoord").fill("een nieuw en lang wachtwoord")
    other.get_by_role("button", name="Wachtwoord opslaan").click()
    assert "Uw nieuwe wachtwoord is opgeslagen" in other.inner_text("main")
    page.goto("/mijn/gegevens")
    page.wait_for_url(re.compile(r"/login\?next="))
    log_in(other, "een nieuw en lang wachtwoord")
    other.wait_for_url(f"{base}/mijn/vrijwilliger")
