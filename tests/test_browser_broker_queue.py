"""The broker's start page, a paged and sorted queue, bulk approval of one page, a referral
followed to its end and an intake read and corrected, in real Chromium (axe, 390 px, shots).

Changes to the demo: 30 fund proposals with unknown fund ids (so no mail goes out) and scores
below 0,031 on the first open Haarlem need, 20 of them approved; one referral to "Wijkteam
Proef (browsertest)" closed; one new intake for BUUV, corrected once.
"""

import re
import sqlite3
import time

import pytest

from tests.browser_kit import check, site_db

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
PARTNER = "Wijkteam Proef (browsertest)"
FIRST_FAKE_FUND = 880000


def seed(served) -> tuple[int, int]:
    """Our own proposals and referral, once the demo's own matching has settled (a rematch
    would drop proposals it did not make)."""
    db = sqlite3.connect(site_db(served), timeout=10)
    deadline = time.monotonic() + 30
    while db.execute("SELECT count(*) FROM outbox_message WHERE processed_at IS NULL"
                     ).fetchone()[0] and time.monotonic() < deadline:
        time.sleep(0.2)
    need_id = db.execute(
        "SELECT need.id FROM need JOIN initiative ON initiative.id = need.initiative_id "
        "WHERE initiative.municipality_code = 'GM0392' AND need.status = 'open' "
        "ORDER BY need.id LIMIT 1").fetchone()[0]
    for n in range(30):
        db.execute(
            "INSERT INTO match (need_id, resource_kind, resource_id, score, reasons, "
            "explanation, status, created_at, updated_at) VALUES (?, 'fund', ?, ?, '[]', "
            "'proef voor de browsertest', 'proposed', datetime('now', ?), datetime('now'))",
            (need_id, FIRST_FAKE_FUND + n, round(0.001 * (n + 1), 3), f"-{n} days"))
    db.execute(
        "INSERT INTO referral (need_id, municipality_code, partner, reason, status, "
        "outcome_note, created_at) VALUES (?, 'GM0392', ?, 'Schulden: te zwaar voor buren', "
        "'open', '', datetime('now'))", (need_id, PARTNER))
    referral_id = db.execute("SELECT max(id) FROM referral").fetchone()[0]
    db.commit()
    db.close()
    return need_id, referral_id


def approved_fakes(served) -> int:
    db = sqlite3.connect(site_db(served), timeout=10)
    count = db.execute("SELECT count(*) FROM match WHERE resource_kind = 'fund' AND "
                       "resource_id >= ? AND status = 'approved'", (FIRST_FAKE_FUND,)
                       ).fetchone()[0]
    db.close()
    return count


def test_broker_start_queue_referral_and_intake(site, browser):
    base, _inbox, _env = site
    need_id, referral_id = seed(site)
    page = browser.new_context(base_url=base, bypass_csp=True, viewport=WIDE,
                               locale="nl-NL").new_page()
    page.goto("/login")
    page.fill("#f-username", "broker@demo.koppel.nl")
    page.fill("#f-password", "koppel-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/broker")  # the start page is where a broker lands
    assert page.get_by_role("heading", level=1).inner_text() == "Overzicht"
    for heading in ("Mijn open zaken", "Te laat", "Binnenkort"):
        assert page.locator("section h2", has_text=heading).count() == 1
    check(page, "broker-start")

    # The queue: our lowest-scored fund proposals, a page at a time, sorted, filters kept.
    page.goto("/broker/queue?kind=fund&sort=score&order=asc")
    count = page.inner_text("#telling")
    assert re.fullmatch(r"1–20 van \d+", count), count
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 20
    assert "Fonds: Fonds" in rows.first.inner_text()
    check(page, "queue-sorted")
    page.get_by_role("link", name="Volgende").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.inner_text("#telling").startswith("21–")
    assert page.locator("#f-kind").input_value() == "fund"  # the filter came along
    page.get_by_role("link", name="Wachttijd").click()
    page.wait_for_url(re.compile(r"sort=age"))
    assert "kind=fund" in page.url and "page=" not in page.url
    assert page.locator("nav.sorting strong").inner_text() == "Wachttijd"
    check(page, "queue-paged")

    # Select everything on one page (the header box comes from queue.js) and approve it.
    page.goto("/broker/queue?kind=fund&sort=score&order=asc")
    before = approved_fakes(site)
    page.get_by_label("Alles op deze pagina kiezen").check()
    assert page.locator("table.queue input.pick:checked").count() == 20
    page.get_by_role("button", name="Gekozen voorstellen goedkeuren").click()
    page.wait_for_url(re.compile(r"done=approved-20"))
    assert "kind=fund" in page.url and "order=asc" in page.url
    assert "20 voorstel(len) goedgekeurd." in page.inner_text("main")
    assert approved_fakes(site) == before + 20
    check(page, "queue-approved")

    # The referral: open → accepted (with the partner's contact) → closed with an outcome.
    page.goto("/broker/referrals?status=open")
    link = page.locator(f"a[href='/broker/referrals/{referral_id}']")
    assert link.count() == 1
    link.click()
    assert page.inner_text("#referral-status") == "Open"
    check(page, "referral-open")
    page.get_by_label("Status").select_option(label="Opgepakt door de partner")
    page.get_by_label("Naam").fill("Anouk Jansen")
    page.get_by_label("Telefoon").fill("06 12")
    page.get_by_role("button", name="Opslaan").click()
    assert "tien cijfers" in page.inner_text("#e-contact_phone")
    check(page, "referral-error")
    page.get_by_label("Telefoon").fill("06 12345678")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"opgeslagen=1"))
    assert page.inner_text("#referral-status") == "Opgepakt door de partner"
    assert "Anouk Jansen · 06 12345678" in page.inner_text("main")
    page.get_by_label("Status").select_option(label="Afgesloten")
    page.get_by_label("Uitkomst (bij afsluiten)").select_option(label="Geholpen door de partner")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"opgeslagen=1"))
    assert page.inner_text("#referral-status") == "Afgesloten"
    assert "Geholpen door de partner" in page.inner_text("main")
    check(page, "referral-closed")
    page.goto(f"/broker/referrals?status=closed&partner={PARTNER[:7]}")
    assert PARTNER in page.inner_text("table.queue")
    check(page, "referrals-filtered")

    # An intake: filled in, found again, read as a chart and numbers, and corrected.
    page.goto("/broker/intakes/new")
    page.get_by_label("Initiatief", exact=True).select_option(label="BUUV")
    for select in page.locator("select[name^=score_]").all():
        select.select_option("6")
    page.get_by_role("button", name="Intake opslaan").click()
    page.get_by_role("link", name="Bekijk de intake").click()
    page.wait_for_url(re.compile(r"/broker/intakes/\d+$"))
    assert page.locator("svg.intake-chart rect.bar").count() == 12
    assert page.locator("td[data-label=Score]").all_inner_texts() == ["6"] * 12
    check(page, "intake-view")
    page.locator("select[name=score_potential]").select_option("")
    page.evaluate("document.querySelector('form.intake').noValidate = true")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    assert "vul alle 12 schalen in" in page.inner_text("#e-scores")
    check(page, "intake-error")
    page.locator("select[name=score_potential]").select_option("9")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    page.wait_for_url(re.compile(r"opgeslagen=1"))
    assert "De intake is opgeslagen." in page.inner_text("main")
    scores = page.locator("td[data-label=Score]").all_inner_texts()
    assert sorted(scores) == ["6"] * 11 + ["9"]
    assert "gewijzigd op" in page.inner_text("p.meta")
    check(page, "intake-edited")
    page.get_by_role("link", name="BUUV").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Intakes van BUUV"
    check(page, "intake-history")

    # Back on the start page: the approved page is an open case, its invitations due soon.
    page.goto("/broker")
    assert page.locator("#mijn").inner_text() != "Mijn open zaken (0)"
    assert page.locator("#binnenkort").inner_text() != "Binnenkort (0)"
    check(page, "broker-start-busy")
