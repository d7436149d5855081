"""The municipal dashboard: every figure suppressed below 5, the SQL aggregates on both
databases, permissions, exports and the worker's snapshot."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.permissions import SYSTEM
from db.models import (
    DashboardSnapshot,
    HoursLog,
    Initiative,
    Intake,
    Match,
    Municipality,
    OutboxMessage,
)
from db.types import utcnow
from services import demo_haarlem
from services.initiatives import service as initiatives
from services.initiatives.schemas import InitiativeCreate
from services.monitoring import service as monitoring
from services.monitoring import tasks
from services.worker.queues import TaskName
from services.worker.schedules import BEAT_SCHEDULE
from tests.factories import initiative_payload, need_payload
from tests.test_web_auth import web_login

SECTIONS = {"overview", "lenses", "gaps", "climate", "funnel", "value", "map"}
# Keys that hold a count of people, needs or initiatives wherever they appear.
COUNT_KEYS = {"count", "now", "current", "previous", "demand", "volunteers", "funds",
              "instruments", "initiatives", "matches", "needs"}
# Keys in our sections whose numbers are not counts: differences, scores, hours, shares.
NOT_COUNTS = {"change", "hours", "drop_off", "median_days_to_match", "average", "scores"}
# The map's colour class per area (0–4) and its legend are not figures.
NOT_FIGURES = {"classes", "legend"}


def walk(node, key=None, unit="count"):
    """Every (key, value, unit) leaf of a dashboard dict; unit comes from overview rows."""
    if isinstance(node, dict):
        unit = node.get("unit", unit)
        for k, v in node.items():
            if k not in NOT_FIGURES:
                yield from walk(v, k, unit)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v, key, unit)
    else:
        yield key, node, unit


def assert_suppressed(data: dict) -> tuple[int, int]:
    """Every count in the dashboard is an int ≥ 5 or "<5"; returns (shown, suppressed)."""
    shown = hidden = 0
    for section, body in data.items():
        for key, value, unit in walk(body):
            if value == "<5":
                hidden += 1
                continue
            if isinstance(value, bool) or key in NOT_COUNTS or unit != "count":
                continue
            if key in COUNT_KEYS and section not in ("value", "map"):
                assert value is None or (isinstance(value, int) and value >= 5), (section, key)
            if isinstance(value, int) and section not in ("value", "map"):
                assert value >= 5, (section, key, value)
                shown += 1
            elif key in COUNT_KEYS and isinstance(value, int):
                assert value >= 5, (section, key, value)
    return shown, hidden


@pytest.fixture
def haarlem(session):
    """The fictional Haarlem figures `koppel demo load` adds (the shared test demo has not)."""
    assert demo_haarlem.load(session) == 42
    session.commit()


def test_staff_dashboard_shows_real_figures_and_suppresses_every_small_count(login_as,
                                                                             haarlem):
    answer = login_as("staff").get("/api/v1/municipalities/GM0392/dashboard")
    assert answer.status_code == 200
    data = answer.json()
    assert set(data) == SECTIONS
    shown, hidden = assert_suppressed(data)
    assert shown >= 20 and hidden >= 20  # the demo has both: real figures and "<5" cells
    overview = {row["key"]: row for row in data["overview"]["rows"]}
    assert overview["initiatives_published"]["now"] >= 30
    assert overview["needs_policy_change"]["now"] == "<5"
    assert overview["hours"]["current"] > 0
    assert data["funnel"]["steps"][0]["count"] >= 50
    assert data["funnel"]["median_days_to_match"] > 0
    assert [lens["lens"] for lens in data["lenses"]["lenses"]] == [
        "actor_types", "themes", "life_groups", "added_value", "transformation_role",
        "phases", "thresholds", "government_relation"]
    assert len(data["gaps"]["cells"]) == len(data["gaps"]["themes"]) * 5
    assert {f["code"] for f in data["climate"]["functions"]} == {
        "new_ideas", "knowledge_networks", "social_entrepreneurship", "agenda_lobby",
        "resources", "vision_urgency", "usage"}
    assert any(a["initiatives"] == "<5" for a in data["climate"]["areas"])


def test_admin_sees_all_municipalities_and_a_small_one_reads_less_than_five(admin):
    everything = admin.get("/api/v1/municipalities/NL/dashboard")
    assert everything.status_code == 200
    assert_suppressed(everything.json())
    rotterdam = admin.get("/api/v1/municipalities/GM0599/dashboard").json()
    assert_suppressed(rotterdam)
    overview = {row["key"]: row for row in rotterdam["overview"]["rows"]}
    assert overview["initiatives_published"]["now"] == "<5"
    assert overview["initiatives_published"]["change"] is None  # a difference would tell


@pytest.mark.parametrize(("who", "path", "status"), [
    ("staff", "/api/v1/municipalities/GM0599/dashboard", 404),
    ("staff", "/api/v1/municipalities/GM9999/dashboard", 404),
    ("staff", "/api/v1/municipalities/NL/dashboard", 403),
    ("broker", "/api/v1/municipalities/GM0392/dashboard", 403),
    ("volunteer", "/api/v1/municipalities/GM0392/export/overview.csv", 403),
    ("staff", "/api/v1/municipalities/GM0599/export/overview.csv", 404),
    ("staff", "/api/v1/municipalities/GM0392/export/nothing.csv", 404),
    ("admin", "/api/v1/municipalities/GM9999/dashboard", 404),
    ("admin", "/api/v1/municipalities/haarlem/dashboard", 422),
])
def test_who_may_see_which_dashboard(login_as, who, path, status):
    answer = login_as(who).get(path)
    assert answer.status_code == status
    assert set(answer.json()) >= {"error", "detail"}


def test_anonymous_gets_401_and_another_municipality_looks_like_a_missing_one(client, login_as):
    assert client.get("/api/v1/municipalities/GM0392/dashboard").status_code == 401
    staff = login_as("staff")
    other = staff.get("/api/v1/municipalities/GM0599/dashboard").json()
    missing = staff.get("/api/v1/municipalities/GM9999/dashboard").json()
    assert other == missing


def test_every_table_exports_as_csv_and_xlsx_with_less_than_five_kept(login_as, session,
                                                                     haarlem):
    staff = login_as("staff")
    names = list(monitoring.tables(monitoring.compute(session, "GM0392")))
    assert len(names) >= 18
    seen_small = {"csv": False, "xlsx": False}
    for name in names:
        got = staff.get(f"/api/v1/municipalities/GM0392/export/{name}.csv")
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        assert f'filename="GM0392-{name}.csv"' in got.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
        assert len(rows) >= 2
        seen_small["csv"] |= any("<5" in row for row in rows)
        book = staff.get(f"/api/v1/municipalities/GM0392/export/{name}.xlsx")
        assert book.status_code == 200
        sheet = load_workbook(io.BytesIO(book.content)).active
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
        assert cells[0] == rows[0][0]  # the same header as the CSV
        seen_small["xlsx"] |= "<5" in cells
    assert seen_small == {"csv": True, "xlsx": True}
    overview = list(csv.reader(io.StringIO(staff.get(
        "/api/v1/municipalities/GM0392/export/overview.csv").content.decode("utf-8-sig"))))
    assert overview[0] == ["Kengetal", "Nu", "Afgelopen 12 maanden", "12 maanden daarvoor",
                           "Verschil"]
    assert ["Hulpvragen: Aanpassen beleid of regels", "<5", "<5", "<5", ""] in overview


def _town(session, code: str, name: str) -> str:
    if session.get(Municipality, code) is None:
        session.add(Municipality(code=code, name=name, province_code="PV27"))
        session.flush()
    return code


def test_sql_aggregates_count_what_was_made(session):
    """Six initiatives with an open need each, matched through every step, on both databases."""
    code = _town(session, "GM1680", "Aa en Hunze")  # not in the demo: only what is made here
    now = utcnow()
    made = []
    for n in range(6):
        payload = initiative_payload(
            name=f"Telproef {n}", municipality=code, pc4="9461", themes=["elderly_care"],
            life_groups=["elderly"], phase="idea", added_value="guide",
            needs=[need_payload(kind="volunteers")])
        made.append(initiatives.create(session, InitiativeCreate.model_validate(payload),
                                       SYSTEM))
    session.flush()
    for n, initiative in enumerate(made):
        need = initiative.needs[0]
        need.created_at = now - timedelta(days=20)
        match = Match(need_id=need.id, resource_kind="volunteer", resource_id=1000 + n,
                      score=0.7, status="done", created_at=now - timedelta(days=18),
                      decided_at=now - timedelta(days=17), answered_at=now - timedelta(
                          days=20 - (n + 1)), outcome="succeeded", outcome_at=now,
                      follow_up_sent_at=now - timedelta(days=2))
        session.add(match)
        session.flush()
        session.add(HoursLog(match_id=match.id, logged_by="volunteer", hours=2.5,
                             on_date=now.date()))
        session.add(Intake(initiative_id=initiative.id, municipality_code=code,
                           scores={"innovation": 4}, created_at=now - timedelta(days=9)))
        session.add(Intake(initiative_id=initiative.id, municipality_code=code,
                           scores={"innovation": 8}, created_at=now))
    session.flush()
    data = monitoring.compute(session, code)
    themes = next(lens for lens in data["lenses"]["lenses"] if lens["lens"] == "themes")
    assert {r["code"]: r["count"] for r in themes["rows"]}["elderly_care"] == 6
    cell = next(c for c in data["gaps"]["cells"]
                if (c["theme"], c["life_group"]) == ("elderly_care", "elderly"))
    # No volunteer there and at most a few national funds: less supply than demand.
    assert (cell["demand"], cell["volunteers"], cell["funds"]) == (6, "<5", "<5")
    assert cell["gap"] in ("short", "missing")
    assert [s["count"] for s in data["funnel"]["steps"]] == [6, 6, 6, 6, 6, 6]
    assert data["funnel"]["median_days_to_match"] == 3.5  # answered after 1…6 days
    assert data["funnel"]["follow_up"][0] == {"answer": "succeeded", "label": "Gelukt",
                                              "count": 6}
    hours = next(h for h in data["funnel"]["hours"] if h["kind"] == "volunteers")
    assert hours == {"kind": "volunteers", "label": hours["label"], "hours": 15.0,
                     "matches": 6}
    area = data["climate"]["areas"][0]
    assert (area["area"], area["initiatives"]) == ("9461", 6)
    # Lens part 10 (all in the idea phase), intake part 8 (the latest intake, not the first).
    assert area["scores"]["new_ideas"] == 9.0
    assert area["scores"]["usage"] == 10.0
    overview = {row["key"]: row for row in data["overview"]["rows"]}
    assert overview["initiatives_published"]["now"] == 6
    assert overview["matches_done"]["current"] == 6
    assert overview["hours"]["current"] == 15.0


def test_the_worker_keeps_a_snapshot_that_the_page_reads(session, client):
    tasks.refresh_dashboard.apply(kwargs={"key": "GM0392"})
    snapshot = session.get(DashboardSnapshot, "GM0392")
    assert snapshot is not None and set(snapshot.data) == SECTIONS
    snapshot.data = snapshot.data | {"overview": snapshot.data["overview"] | {
        "rows": [{"key": "x", "label": "Uit de momentopname", "unit": "count", "now": 7,
                  "current": 7, "previous": 7, "change": 0}]}}
    session.commit()
    web_login(client)
    page = client.get("/gemeente")
    assert page.status_code == 200 and "Uit de momentopname" in page.text
    assert "Bijgewerkt op" in page.text and "zojuist berekend" not in page.text


def test_a_stale_or_missing_snapshot_asks_a_worker_once_through_the_outbox(session):
    _town(session, "GM0014", "Groningen")
    def asked():
        return session.exec(select(OutboxMessage).where(
            OutboxMessage.task_name == TaskName.REFRESH_DASHBOARD.value,
            OutboxMessage.payload["key"].as_string() == "GM0014")).all()
    shown = monitoring.dashboard(session, SYSTEM, "GM0014")
    assert shown.live and len(asked()) == 1
    monitoring.refresh(session, "GM0014")
    snapshot = session.get(DashboardSnapshot, "GM0014")
    snapshot.computed_at = utcnow() - timedelta(hours=2)
    session.flush()
    assert monitoring.dashboard(session, SYSTEM, "GM0014").live is False
    monitoring.dashboard(session, SYSTEM, "GM0014")  # a second view a moment later
    assert len(asked()) == 2


def test_refresh_tolerates_a_vanished_municipality_and_beat_refreshes_all(session):
    tasks.refresh_dashboard.apply(kwargs={"key": "GM0001"})
    assert session.get(DashboardSnapshot, "GM0001") is None
    schedule = BEAT_SCHEDULE["monitoring-dashboards"]
    assert schedule["task"] == TaskName.REFRESH_DASHBOARDS


def test_staff_land_on_their_dashboard_and_cannot_open_another(client, haarlem):
    landed = web_login(client, next_path="")
    assert client.get("/mijn", follow_redirects=False).headers["location"] == "/gemeente"
    assert landed.status_code == 303
    page = client.get("/gemeente")
    assert page.status_code == 200 and "Dashboard Haarlem" in page.text
    assert page.text.count('role="img"') >= 11
    assert 'href="/gemeente/GM0392/export/overview.csv"' in page.text
    assert 'href="/gemeente/GM0392/export/lens_themes.xlsx"' in page.text
    assert "Gemeente-dashboard" in page.text  # the menu entry
    assert client.get("/gemeente/GM0599").status_code == 404
    assert client.get("/gemeente/NL").status_code == 403
    download = client.get("/gemeente/GM0392/export/gaps.csv")
    assert download.status_code == 200 and "<5" in download.content.decode("utf-8-sig")
    assert client.get("/gemeente/GM0392/export/gaps.pdf").status_code == 404


def test_admin_chooses_one_municipality_or_all(client):
    web_login(client, email="admin@demo.koppel.nl")
    picker = client.get("/gemeente")
    assert picker.status_code == 200 and 'value="NL"' in picker.text
    chosen = client.get("/gemeente?gemeente=GM0599", follow_redirects=False)
    assert chosen.headers["location"] == "/gemeente/GM0599"
    assert "Dashboard Alle gemeenten" in client.get("/gemeente/NL").text


def test_pages_outside_the_dashboard_keep_their_path(client):
    web_login(client)
    # /gemeente/<word> belongs to other pages of the area (the price list), never to a code.
    assert client.get("/gemeente/prijslijst-bestaat-niet").status_code == 404
    assert Initiative  # the model the figures come from
