"""A full rematch in shards, steadiness of shown proposals, targeted and full runs agreeing."""

from collections import Counter
from datetime import timedelta

import numpy as np
from sqlmodel import select

from db.models import Fund, FundCall, Initiative, Match, Need, Volunteer
from db.session import unit_of_work
from db.types import utcnow
from services.matching import loader, shards
from services.matching import runner as matching
from services.worker.matching import engine
from services.worker.matching.model import Config
from tests.factories import initiative_payload, need_payload

MAX_OPEN_PER_VOLUNTEER = 3


def _between_haarlem_and_amsterdam(session, count: int) -> list[int]:
    """Volunteers in Halfweg (1165) with a wide radius: they can reach both cities."""
    now = utcnow()
    volunteers = [Volunteer(municipality_code="GM0392", name=f"Grensganger {i}", pc4="1165",
                            latitude=52.385, longitude=4.75, skills=["cooking", "events"],
                            themes=[], availability=["mon_morning", "tue_morning"],
                            hours_per_week=4, radius_km=20, consent_given_at=now,
                            last_active_at=now) for i in range(count)]
    session.add_all(volunteers)
    session.commit()
    return [v.id for v in volunteers]


def _needs_in(admin, name: str, pc4: str, count: int) -> None:
    admin.post("/api/v1/initiatives", json=initiative_payload(
        name=name, pc4=pc4, needs=[need_payload(title=f"Koken {i}", skills=["cooking"])
                                   for i in range(count)])).raise_for_status()


def test_shards_combined_give_the_one_process_answer_and_keep_capacity(admin, session):
    border = _between_haarlem_and_amsterdam(session, 3)
    _needs_in(admin, "Kookclub Haarlem", "2011", 6)
    _needs_in(admin, "Kookclub Amsterdam", "1012", 6)
    cfg = Config()
    inputs, _places = loader.load_inputs(session, None)
    whole = engine.choose(engine.pooled(inputs, engine.candidates(inputs, cfg), cfg), cfg)

    haarlem = set(session.exec(select(Need.id).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Need.status == "open")).all())
    ids = inputs.needs.ids.tolist()
    parts = [[i for i in ids if i in haarlem], [i for i in ids if i not in haarlem]]
    split = [shards.Shard(session, part, cfg) for part in parts]
    # A volunteer near the border is a candidate on both sides …
    for shard in split:
        assert set(border) <= set(shard.pools["volunteer"].keys.tolist())
    combined = shards.combine([shards.pools_from_bytes(shards.pools_to_bytes(s.pools))
                               for s in split], cfg)
    # … and the combined choice is the one a single process makes, capacity and all.
    assert combined.keys() == whole.keys()
    for kind in whole:
        assert np.array_equal(combined[kind], whole[kind]), kind
    per_volunteer = Counter((combined["volunteer"] & 0xFFFFFFFF).tolist())
    assert max(per_volunteer.values()) == MAX_OPEN_PER_VOLUNTEER
    assert all(per_volunteer[v] == MAX_OPEN_PER_VOLUNTEER for v in border)


def test_a_sharded_full_run_stores_what_one_process_stores(connection, admin, session):
    _between_haarlem_and_amsterdam(session, 2)
    _needs_in(admin, "Kookclub Haarlem", "2011", 4)

    def stored() -> list[tuple]:
        session.expire_all()
        return sorted(session.exec(select(Match.need_id, Match.resource_kind,
                                          Match.resource_id, Match.score, Match.explanation)
                                   .where(Match.status == "proposed")).all())
    with unit_of_work() as s:
        matching.rematch(s, None)
    single = stored()
    stats = shards.run_local(unit_of_work, 3)
    assert stored() == single
    assert stats["proposals"] == len(single)


def test_plan_puts_every_open_need_in_one_shard_and_keeps_municipalities_whole(session):
    parts = shards.plan(session, 3)
    every = session.exec(select(Need.id, Initiative.municipality_code).join(Initiative)
                         .where(Need.status == "open")).all()
    assert sorted(i for part in parts for i in part) == sorted(i for i, _m in every)
    shard_of = {i: s for s, part in enumerate(parts) for i in part}
    by_municipality: dict[str, set[int]] = {}
    for need_id, municipality in every:
        by_municipality.setdefault(municipality, set()).add(shard_of[need_id])
    assert all(len(found) == 1 for found in by_municipality.values())
    assert sum(1 for part in parts if part) == 3


def _pool(scores: list[float], shown: list[bool]) -> tuple[engine.Pool, np.ndarray]:
    """One need (id 1) with candidates 10, 11, …; returns the pool and its pair keys."""
    keys = np.arange(10, 10 + len(scores), dtype=np.int64)
    need_ids = np.ones(len(scores), dtype=np.int64)
    inputs = engine.Inputs(None, None, None, None, None, 0, None, None, incumbent={
        "volunteer": engine.pair_keys(need_ids[shown], keys[shown])})
    bonus = engine.steady_bonus("volunteer", inputs, need_ids, keys)
    ranked = np.array(scores, dtype=np.float32) + bonus
    return (engine.Pool(need_ids, keys, ranked, dict.fromkeys(keys.tolist(), 3), {}),
            engine.pair_keys(need_ids, keys))


def test_a_shown_proposal_stays_unless_a_clearly_better_one_replaces_it():
    cfg = Config(k={"volunteer": 2})
    shown = [True, True, False]
    margin = engine.STEADY_MARGIN
    # A newcomer a little better than the shown ones does not push one out …
    pool, keys = _pool([0.60, 0.50, 0.50 + margin / 2], shown)
    assert engine.choose({"volunteer": pool}, cfg)["volunteer"].tolist() == keys[:2].tolist()
    # … one better by more than the margin does, and it replaces the weaker one.
    pool, keys = _pool([0.60, 0.50, 0.50 + 2 * margin], shown)
    assert engine.choose({"volunteer": pool}, cfg)["volunteer"].tolist() == \
        sorted([keys[0], keys[2]])


def _small_call(session, budget: int) -> FundCall:
    fund = Fund(name="Klein buurtfonds", regions=["NL"], need_kinds=["start_grant"],
                min_amount_eur=0, max_amount_eur=10_000)
    session.add(fund)
    session.flush()
    today = utcnow().date()
    call = FundCall(fund_id=fund.id, title="Eerste ronde", budget_eur=budget,
                    opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30))
    session.add(call)
    session.commit()
    return call


def test_a_targeted_rematch_counts_a_calls_other_proposals_like_the_full_run(admin, session):
    call = _small_call(session, budget=5_000)
    # Two needs that each ask the call's whole budget: it can carry one proposal.
    for name in ("Startgeld Noord", "Startgeld Zuid"):
        admin.post("/api/v1/initiatives", json=initiative_payload(
            name=name, pc4="2011", needs=[need_payload(kind="start_grant", amount_eur=5_000,
                                                       title="Startgeld")]))
    with unit_of_work() as s:
        matching.rematch(s, None)
    session.expire_all()
    on_call = session.exec(select(Match.need_id).where(Match.call_id == call.id)).all()
    assert len(on_call) == 1
    others = session.exec(select(Need.id).join(Initiative).where(
        Initiative.name.in_(("Startgeld Noord", "Startgeld Zuid")))).all()
    with unit_of_work() as s:
        matching.rematch(s, [n for n in others if n not in on_call])
    session.expire_all()
    assert session.exec(select(Match.need_id).where(Match.call_id == call.id)).all() == on_call


def test_proposals_after_targeted_rematches_survive_the_next_full_run(admin, session):
    _needs_in(admin, "Kookclub Haarlem", "2011", 8)
    with unit_of_work() as s:
        matching.rematch(s, None)
    targeted = session.exec(select(Need.id).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Need.status == "open")).all()
    for need_id in targeted:
        with unit_of_work() as s:
            matching.rematch(s, [need_id])
    session.expire_all()
    visible = set(session.exec(select(Match.need_id, Match.resource_kind, Match.resource_id)
                               .where(Match.status == "proposed")).all())
    exposed = Counter(session.exec(select(Match.resource_id).where(
        Match.resource_kind == "volunteer", Match.status == "proposed")).all())
    assert max(exposed.values()) <= MAX_OPEN_PER_VOLUNTEER
    with unit_of_work() as s:
        matching.rematch(s, None)
    session.expire_all()
    after = set(session.exec(select(Match.need_id, Match.resource_kind, Match.resource_id)
                             .where(Match.status == "proposed")).all())
    assert visible and after == visible
