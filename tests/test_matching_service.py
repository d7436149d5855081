"""Matching against the database: the demo's obvious matches, decisions kept, the API."""

from sqlmodel import select

from db.models import Fund, Initiative, Instrument, Match, Need, ParticipationClient, Volunteer
from db.session import unit_of_work
from services.matching import loader
from services.matching import service as matching
from services.worker.matching import naive
from services.worker.matching.model import Config
from tests.factories import initiative_payload, need_payload


def need_of(session, initiative: str, kind: str) -> Need:
    return session.exec(select(Need).join(Initiative).where(
        Initiative.name == initiative, Need.kind == kind)).one()


def matches_of(session, need_id: int, kind: str) -> list[Match]:
    session.expire_all()
    return session.exec(select(Match).where(Match.need_id == need_id,
                                            Match.resource_kind == kind)).all()


def test_rotterdam_youth_initiative_gets_a_rotterdam_youth_fund(session):
    need = need_of(session, "Buzinezzclub", "structural_funding")
    funds = {session.get(Fund, m.resource_id).name: m for m in matches_of(session, need.id,
                                                                            "fund")}
    assert "Stichting De Verre Bergen" in funds
    reasons = {r["code"]: r["value"] for r in funds["Stichting De Verre Bergen"].reasons}
    assert reasons["region"] == "Rotterdam"
    assert "Talentontwikkeling" in funds["Stichting De Verre Bergen"].explanation


def test_buuv_volunteer_need_gets_haarlem_volunteers_within_their_radius(session):
    need = need_of(session, "BUUV", "volunteers")
    proposed = matches_of(session, need.id, "volunteer")
    assert len(proposed) == 5
    for match in proposed:
        volunteer = session.get(Volunteer, match.resource_id)
        distance = {r["code"]: r["value"] for r in match.reasons}["distance_km"]
        assert volunteer.municipality_code == "GM0392"
        assert distance <= volunteer.radius_km
        assert " km" in match.explanation


def test_permit_need_gets_the_municipality_permit_desk(session):
    need = need_of(session, "Geveltuintjes Deventer", "permit")
    desks = [session.get(Instrument, m.resource_id) for m in matches_of(session, need.id,
                                                                         "instrument")]
    assert [(d.municipality_code, d.title) for d in desks] == [
        ("GM0150", "Vergunningen en experimenteerruimte")]


def test_every_open_need_with_an_eligible_resource_has_an_explained_match(session):
    inputs, _places = loader.load_inputs(session, None)
    cfg = Config()
    checks = [
        (inputs.volunteers, lambda n, r: naive.volunteer_ok(inputs, n, r, cfg)),
        (inputs.calls, lambda n, r: naive.fund_ok(inputs, n, r)),
        (inputs.instruments, lambda n, r: naive.instrument_ok(inputs, n, r)),
        (inputs.clients, lambda n, r: naive.placement_ok(inputs, n, r, cfg)),
    ]
    with_match = set(session.exec(select(Match.need_id)).all())
    servable = [int(inputs.needs.ids[n]) for n in range(len(inputs.needs))
                if any(ok(n, r) for pool, ok in checks for r in range(len(pool)))]
    assert len(servable) > 30
    assert set(servable) <= with_match
    for match in session.exec(select(Match)):
        assert match.explanation and match.reasons


def test_rematch_keeps_decisions_and_changes_nothing_when_run_twice(connection, session):
    need = need_of(session, "BUUV", "volunteers")
    first = sorted((m.id, m.resource_id, m.score) for m in matches_of(session, need.id,
                                                                        "volunteer"))
    approved, rejected = first[0][0], first[1][0]
    session.get(Match, approved).status = "approved"
    session.get(Match, rejected).status = "rejected"
    session.commit()
    with unit_of_work() as s:
        matching.rematch(s, [need.id])
    after = {m.id: m for m in matches_of(session, need.id, "volunteer")}
    assert after[approved].status == "approved" and after[rejected].status == "rejected"
    rejected_volunteer = after[rejected].resource_id
    assert [m for m in after.values() if m.resource_id == rejected_volunteer] == \
        [after[rejected]]
    snapshot = sorted((m.id, m.status, m.score, m.explanation) for m in after.values())
    with unit_of_work() as s:
        stats = matching.rematch(s, [need.id])
    assert stats["written"] == 0
    again = sorted((m.id, m.status, m.score, m.explanation)
                   for m in matches_of(session, need.id, "volunteer"))
    assert again == snapshot


def test_withdrawn_need_loses_its_proposals(admin, session):
    need = need_of(session, "BUUV", "volunteers")
    initiative = session.get(Initiative, need.initiative_id)
    assert matches_of(session, need.id, "volunteer")
    response = admin.patch(f"/api/v1/initiatives/{initiative.id}/needs/{need.id}",
                           json={"status": "withdrawn"})
    assert response.status_code == 200
    assert matches_of(session, need.id, "volunteer") == []


def test_new_need_is_matched_at_once_and_visible_to_its_broker(login_as):
    broker = login_as("broker")
    created = broker.post("/api/v1/initiatives", json=initiative_payload(
        name="Taalcafé Schalkwijk", needs=[need_payload(
            title="Taalmaatjes gezocht", skills=["language"], hours_per_week=2)]))
    need_id = created.json()["needs"][0]["id"]
    matches = broker.get(f"/api/v1/needs/{need_id}/matches").json()
    assert matches and {m["resource_kind"] for m in matches} >= {"volunteer"}
    first = matches[0]
    assert set(first) >= {"id", "need_id", "resource_kind", "resource_id", "score", "reasons",
                          "explanation", "status"}
    assert first["status"] == "proposed" and first["need_id"] == need_id
    assert all({"code", "value"} <= set(r) for r in first["reasons"])
    assert login_as("broker-rotterdam").get(f"/api/v1/needs/{need_id}/matches"
                                            ).status_code == 404


def test_fund_volunteer_and_consultant_see_their_own_suggestions(login_as, session):
    fund = login_as("fund")
    zonnige = session.exec(select(Fund.id).where(Fund.name == "Stichting Zonnige Jeugd")).one()
    assert fund.get(f"/api/v1/funds/{zonnige}/matches").status_code == 404  # not their fund
    own = fund.post("/api/v1/funds", json={
        "name": "Jeugdfonds Haarlem", "regions": ["GM0392"], "themes": ["exchange_networks"],
        "need_kinds": ["structural_funding"], "min_amount_eur": 1000,
        "max_amount_eur": 100000})
    assert own.status_code == 201, own.text
    call = fund.post(f"/api/v1/funds/{own.json()['id']}/calls", json={
        "title": "Ronde 2027", "budget_eur": 200000, "opens_on": "2026-11-01",
        "closes_on": "2027-03-01"})
    assert call.status_code == 201, call.text
    suggested = fund.get(f"/api/v1/funds/{own.json()['id']}/matches").json()
    buuv = need_of(session, "BUUV", "structural_funding")
    assert buuv.id in [m["need_id"] for m in suggested]

    volunteer = login_as("volunteer")
    mine = volunteer.get("/api/v1/volunteers/me/matches")
    assert mine.status_code == 200
    vid = volunteer.get("/api/v1/me").json()["volunteer_id"]
    assert all(m["resource_id"] == vid and m["resource_kind"] == "volunteer"
               for m in mine.json())

    consultant = login_as("consultant")
    client_id = session.exec(select(ParticipationClient.id)).first()
    placements = consultant.get(f"/api/v1/clients/{client_id}/matches").json()
    assert placements and all(m["resource_kind"] == "placement" for m in placements)
    assert "kandidaat via consulent" in placements[0]["explanation"]


def test_admin_starts_a_full_run_and_reads_its_figures(admin):
    started = admin.post("/api/v1/matching/runs")
    assert started.status_code == 202
    run = admin.get(f"/api/v1/matching/runs/{started.json()['id']}").json()
    assert run["status"] == "done"
    assert run["needs_total"] > 30 and run["pairs_scored"] > 0 and run["proposals_written"] > 0


def test_resource_input_is_validated(admin, login_as):
    bad_fund = admin.post("/api/v1/funds", json={"name": "X", "min_amount_eur": 5000,
                                                 "max_amount_eur": 10})
    assert bad_fund.status_code == 422
    bad_region = admin.post("/api/v1/funds", json={"name": "X", "regions": ["Haarlem"]})
    assert "regions.0" in bad_region.json()["fields"]
    staff = login_as("staff")
    elsewhere = staff.post("/api/v1/instruments", json={
        "municipality": "GM0599", "family": "money", "title": "Potje",
        "need_kinds": ["start_grant"]})
    assert elsewhere.status_code == 422 and "municipality" in elsewhere.json()["fields"]
    no_kind = staff.post("/api/v1/instruments", json={"family": "money", "title": "Potje",
                                                      "need_kinds": []})
    assert no_kind.status_code == 422 and "need_kinds" in no_kind.json()["fields"]
