"""Gemeente-dashboard in real Chromium: staff log in and land on Haarlem's dashboard; every
chart has its table, every export downloads, and the page is axe-clean at 1280 and 390 px.

Changes to the demo: none (the page only reads; opening it may store a dashboard snapshot).
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.browser_kit import check

pytestmark = pytest.mark.browser

LENSES = ["actor_types", "themes", "life_groups", "added_value", "transformation_role",
          "phases", "thresholds", "government_relation"]


def test_staff_land_on_the_dashboard_with_every_chart_table_and_export(site, browser):
    base, _inbox, _env = site
    context = browser.new_context(base_url=base, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60000)
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill("staff@demo.koppel.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("koppel-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/gemeente$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard Haarlem"
    assert "Bijgewerkt op" in page.inner_text("main")
    assert page.locator("nav a", has_text="Gemeente-dashboard").count() == 1

    # Every lens, the climate, the funnel and the follow-up: an SVG with a name and its table.
    charts = page.locator("#lenzen svg[role=img], #klimaat svg[role=img], "
                          "#trechter svg[role=img]")
    assert charts.count() == len(LENSES) + 3
    for i in range(charts.count()):
        svg = charts.nth(i)
        assert svg.locator("title").text_content().strip()
        assert svg.locator("desc").text_content().strip()
    for lens in LENSES:
        table = page.locator(f"#lens-{lens} table")
        assert table.count() == 1 and table.locator("tbody tr").count() >= 3
    for table_id in ("overview", "gap-matrix", "climate", "funnel", "funnel_months",
                     "funnel_need_kinds", "funnel_help_kinds", "follow_up", "hours"):
        assert page.locator(f"#tabel-{table_id}").count() == 1, table_id

    # Real figures and suppressed ones side by side; the gap matrix says its verdict in words.
    overview = page.locator("#tabel-overview").inner_text()
    assert "Initiatieven gepubliceerd" in overview and "<5" in overview
    assert re.search(r"Initiatieven gepubliceerd\s+\d{2}", overview)
    assert page.locator("#tabel-gap-matrix td", has_text="Gedekt").count() >= 1
    assert "Zo rekenen we" in page.inner_text("#klimaat")
    assert "dagen" in page.inner_text("#trechter")

    links = page.locator("main a[download]")
    assert links.count() >= 2 * 18
    with page.expect_download() as csv_download:
        page.locator("#overzicht a[download]", has_text="CSV").click()
    rows = list(csv.reader(io.StringIO(
        csv_download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Kengetal" and any("<5" in row for row in rows)
    with page.expect_download() as xlsx_download:
        page.locator("#lens-themes a[download]", has_text="XLSX").click()
    assert xlsx_download.value.suggested_filename == "GM0392-lens_themes.xlsx"
    sheet = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == ["Thema's", "Initiatieven"]
    for i in range(links.count()):  # every other export answers with a file
        answer = page.request.get(links.nth(i).get_attribute("href"))
        assert answer.status == 200 and len(answer.body()) > 20

    check(page, "dashboard")
    page.goto("/gemeente#tekorten")
    page.locator("#tekorten details summary").click()
    check(page, "dashboard-gaps")
    page.goto("/gemeente/GM0599")
    assert page.get_by_role("heading", level=1).inner_text() == "Niet gevonden"
    context.close()


def test_admin_picks_a_municipality(site, browser):
    base, _inbox, _env = site
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()
    page.set_default_timeout(60000)
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill("admin@demo.koppel.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("koppel-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/beheer$"))
    page.locator("nav a", has_text="Gemeente-dashboard").click()
    check(page, "dashboard-choose")
    page.get_by_label("Gemeente").select_option("GM0392")
    page.get_by_role("button", name="Dashboard tonen").click()
    page.wait_for_url(re.compile(r"/gemeente/GM0392$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard Haarlem"
