"""Beheer in real Chromium: the admin onboards a municipality and invites a broker, who chooses
a password from the mail and logs in. Adds Zwolle (GM0193) and one account to the served demo."""

import re

import pytest

from tests.browser_kit import check
from tests.test_browser_accounts import wait_for_mail

pytestmark = pytest.mark.browser
BROKER = "makelaar.zwolle@example.nl"


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_admin_onboards_a_municipality_and_invites_a_broker_who_logs_in(site, browser):
    base, inbox, _env = site
    context = browser.new_context(base_url=base, bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, "admin@demo.koppel.nl", "koppel-demo")
    page.goto("/beheer")
    assert "van de 342 gemeenten zijn aangesloten" in page.inner_text("main")
    check(page, "beheer-home")

    page.get_by_role("link", name="Gemeenten").click()
    page.get_by_label("Provincie").select_option(label="Overijssel")
    page.get_by_role("button", name="Toon").click()
    assert "Gemeenten in Overijssel" in page.inner_text("caption")
    page.get_by_label("Gemeente aansluiten").select_option(label="Zwolle")
    page.get_by_role("button", name="Aansluiten", exact=True).click()
    assert "Zwolle is aangesloten." in page.inner_text("main")
    assert "Gemeenten in Overijssel" in page.inner_text("caption")
    assert "Bron: CBS" in page.inner_text(".attribution")
    check(page, "beheer-municipalities")

    page.goto("/beheer/gebruikers")
    page.get_by_label("E-mailadres").fill(BROKER)
    page.get_by_label("Naam", exact=True).fill("Sem Zwolle")
    page.get_by_label("Rol", exact=True).select_option(label="Makelaar")
    page.get_by_label("Gemeente", exact=True).select_option(label="Zwolle")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert "De uitnodiging is verstuurd." in page.inner_text("main")
    row = page.locator("table.queue tbody tr", has_text=BROKER)
    assert "Uitgenodigd" in row.inner_text() and "Gemeente Zwolle" in row.inner_text()
    check(page, "beheer-users")

    page.goto("/beheer/matching")
    assert "Eerdere rondes" in page.inner_text("main")
    check(page, "beheer-matching")

    text = wait_for_mail(inbox, "U bent uitgenodigd voor Koppel")
    link = re.search(r"(http://127\.0\.0\.1:\d+/welkom/\S+)", text).group(1)
    broker = browser.new_context(base_url=base, bypass_csp=True).new_page()
    broker.goto(link)
    assert BROKER in broker.inner_text("main")
    broker.get_by_label("Wachtwoord", exact=True).fill("zwolse balletjes 1")
    broker.get_by_role("button", name="Wachtwoord opslaan").click()
    log_in(broker, BROKER, "zwolse balletjes 1")
    broker.wait_for_load_state()
    assert "Ingelogd als" in broker.inner_text("header")
    assert broker.goto("/broker/queue").status == 200
    broker.context.close()
    context.close()
