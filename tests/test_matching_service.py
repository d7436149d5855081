"""Matching against the database: the demo's obvious matches, decisions kept, the API."""

from datetime import timedelta

from sqlmodel import func, select

from db.models import (
    Fund,
    FundCall,
    Initiative,
    Instrument,
    Match,
    Municipality,
    Need,
    Offer,
    ParticipationClient,
    Volunteer,
)
from db.session import unit_of_work
from db.types import utcnow
from services.matching import loader
from services.matching import runner as matching
from services.worker.matching import naive
from services.worker.matching.model import Config
from tests import eligibility
from tests.factories import initiative_payload, need_payload

# The product's promises, written as literals: five volunteers proposed per need, and no
# volunteer holds more than three open proposals at a time.
VOLUNTEERS_PER_NEED = 5
MAX_OPEN_PER_VOLUNTEER = 3


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
    theirs = fund.get(f"/api/v1/funds/{zonnige}/matches")  # the demo account runs this fund
    assert theirs.status_code == 200
    assert {(m["resource_kind"], m["resource_id"]) for m in theirs.json()} <= {("fund", zonnige)}
    other = session.exec(select(Fund.id).where(Fund.name == "Stichting De Verre Bergen")).one()
    assert fund.get(f"/api/v1/funds/{other}/matches").status_code == 404  # not their fund
    own = fund.post("/api/v1/funds", json={
        "name": "Jeugdfonds Haarlem", "regions": ["GM0392"], "themes": ["exchange_networks"],
        "need_kinds": ["structural_funding"], "min_amount_eur": 1000,
        "max_amount_eur": 100000})
    assert own.status_code == 201, own.text
    today = utcnow().date()
    call = fund.post(f"/api/v1/funds/{own.json()['id']}/calls", json={
        "title": "Winterronde", "budget_eur": 200000,
        "opens_on": (today - timedelta(days=28)).isoformat(),
        "closes_on": (today + timedelta(days=92)).isoformat()})
    assert call.status_code == 201, call.text
    suggested = fund.get(f"/api/v1/funds/{own.json()['id']}/matches").json()
    buuv = need_of(session, "BUUV", "structural_funding")
    assert buuv.id in [m["need_id"] for m in suggested]

    # A cooking need on the demo volunteer's own street, on her day parts.
    created = login_as("broker").post("/api/v1/initiatives", json=initiative_payload(
        name="Kookclub Noord", pc4="2031", needs=[need_payload(
            title="Koks voor de buurtmaaltijd", skills=["cooking"],
            availability=["tue_morning"])])).json()
    volunteer = login_as("volunteer")
    mine = volunteer.get("/api/v1/volunteers/me/matches").json()
    vid = volunteer.get("/api/v1/me").json()["volunteer_id"]
    assert created["needs"][0]["id"] in [m["need_id"] for m in mine]
    stored = session.exec(select(Match.id).where(Match.resource_kind == "volunteer",
                                                 Match.resource_id == vid)).all()
    assert sorted(m["id"] for m in mine) == sorted(stored)
    assert {(m["resource_kind"], m["resource_id"]) for m in mine} == {("volunteer", vid)}

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


def _broad_fund(session, name: str, *, opens_in: int, closes_in: int, budget: int = 500_000,
                granted: int = 0) -> Fund:
    """A national fund that accepts every money need, with one call placed around today."""
    fund = Fund(name=name, regions=["NL"], need_kinds=["start_grant", "structural_funding"],
                min_amount_eur=0, max_amount_eur=1_000_000)
    session.add(fund)
    session.flush()
    today = utcnow().date()
    session.add(FundCall(fund_id=fund.id, title=name, budget_eur=budget, granted_eur=granted,
                         opens_on=today + timedelta(days=opens_in),
                         closes_on=today + timedelta(days=closes_in)))
    session.commit()
    return fund


def test_calls_outside_their_window_or_without_budget_get_no_proposals(connection, session):
    closed = _broad_fund(session, "Gesloten ronde", opens_in=-60, closes_in=-1)
    future = _broad_fund(session, "Toekomstige ronde", opens_in=1, closes_in=60)
    spent = _broad_fund(session, "Uitgeputte ronde", opens_in=-10, closes_in=30,
                        budget=10_000, granted=10_000)
    open_now = _broad_fund(session, "Open ronde", opens_in=0, closes_in=0)
    with unit_of_work() as s:
        matching.rematch(s, None)
    session.expire_all()
    proposed = dict(session.exec(select(Match.resource_id, func.count()).where(
        Match.resource_kind == "fund").group_by(Match.resource_id)).all())
    assert proposed.get(open_now.id, 0) > 0  # a call open today (its last day) does match
    for fund in (closed, future, spent):
        assert proposed.get(fund.id, 0) == 0, fund.name


def test_every_stored_proposal_obeys_the_hard_rules(session):
    today = utcnow().date()
    provinces = dict(session.exec(select(Municipality.code, Municipality.province_code)).all())
    checked = {"volunteer": 0, "fund": 0, "instrument": 0, "placement": 0}
    for match in session.exec(select(Match).where(Match.status == "proposed")).all():
        need = session.get(Need, match.need_id)
        initiative = session.get(Initiative, need.initiative_id)
        if match.resource_kind == "volunteer":
            ok = eligibility.volunteer_ok(need, initiative,
                                          session.get(Volunteer, match.resource_id))
        elif match.resource_kind == "fund":
            ok = eligibility.fund_ok(need, initiative, session.get(Fund, match.resource_id),
                                     session.get(FundCall, match.call_id), today,
                                     provinces.get(initiative.municipality_code))
        elif match.resource_kind == "instrument":
            ok = eligibility.instrument_ok(need, initiative,
                                           session.get(Instrument, match.resource_id))
        else:
            offers = session.exec(select(Offer).where(
                Offer.initiative_id == initiative.id)).all()
            ok = eligibility.placement_ok(need, initiative, offers,
                                          session.get(ParticipationClient, match.resource_id))
        assert ok, f"{match.resource_kind} {match.resource_id} for need {need.id}"
        checked[match.resource_kind] += 1
    assert all(count > 0 for count in checked.values()), checked


def test_a_rejected_pair_is_never_proposed_again_and_the_need_keeps_its_slots(connection,
                                                                             session):
    need = need_of(session, "BUUV", "volunteers")
    first = sorted(matches_of(session, need.id, "volunteer"), key=lambda m: -m.score)
    assert len(first) == VOLUNTEERS_PER_NEED
    rejected = first[0]
    rejected.status = "rejected"
    session.commit()
    for targeted in ([need.id], None):
        with unit_of_work() as s:
            matching.rematch(s, targeted)
        now = matches_of(session, need.id, "volunteer")
        proposed = [m for m in now if m.status == "proposed"]
        assert len(proposed) == VOLUNTEERS_PER_NEED, targeted
        assert rejected.resource_id not in {m.resource_id for m in proposed}


def test_no_volunteer_holds_more_than_three_open_proposals(connection, session, admin):
    # Twelve fresh needs in one street all want the same kind of help.
    admin.post("/api/v1/initiatives", json=initiative_payload(
        name="Burenhulp Garenkokerskwartier", pc4="2011",
        needs=[need_payload(title=f"Hulp {i}") for i in range(12)]))
    with unit_of_work() as s:
        matching.rematch(s, None)
    session.expire_all()
    busiest = session.exec(select(func.count()).select_from(Match).where(
        Match.resource_kind == "volunteer",
        Match.status.in_(("proposed", "approved", "active"))).group_by(Match.resource_id)
        .order_by(func.count().desc())).first()
    assert busiest == MAX_OPEN_PER_VOLUNTEER


def test_a_bulk_write_keeps_every_character_of_reasons_and_explanations(session):
    # Over 1,000 rows go through COPY on PostgreSQL (formatted by us), in batches elsewhere:
    # tabs, newlines, backslashes, quotes and accents come back as they went in.
    need = need_of(session, "BUUV", "volunteers")
    now = utcnow()
    odd = 'tab\there · nieuwe\nregel \\ "aanhalingsteken" één'
    rows = [{"need_id": need.id, "resource_kind": "volunteer", "resource_id": 900_000 + i,
             "call_id": None, "score": 0.5 + i / 10_000,
             "reasons": [{"code": "text", "value": odd}], "explanation": f"{odd} {i}",
             "status": "proposed", "run_id": None, "created_at": now, "updated_at": now}
            for i in range(1_001)]
    matching._insert(session, rows)
    session.expire_all()
    stored = session.exec(select(Match).where(Match.need_id == need.id,
                                              Match.resource_id >= 900_000)
                          .order_by(Match.resource_id)).all()
    assert len(stored) == 1_001
    assert stored[7].explanation == f"{odd} 7" and stored[7].reasons[0]["value"] == odd
    assert stored[7].score == 0.5007 and stored[7].call_id is None
    assert stored[7].created_at == now
