"""Ranking quality on the labelled sets, and the ranking rules a user notices in a list."""

import json
from datetime import timedelta

import numpy as np
from sqlmodel import select

from bench import quality, quality_inputs, text_weights
from core import nl
from core.vocabulary import get_vocabulary
from db.models import Fund, FundCall, Initiative, Match, Need
from db.session import unit_of_work
from db.types import utcnow
from services.matching import loader
from services.matching import runner as matching
from services.worker.matching import engine, explain, money, text
from services.worker.matching.model import Config
from tests.data import labelling

NEW_SKILLS = {"groceries": "Boodschappen", "company_visits": "Gezelschap en bezoek",
              "homework_help": "Huiswerkbegeleiding", "sport_exercise": "Sport en bewegen",
              "language": "Taal", "transport": "Vervoer", "digital_help": "Digitale hulp",
              "entrepreneurship": "Ondernemen"}


def labelled() -> dict:
    return json.loads(quality.LABELLED.read_text(encoding="utf-8"))


def test_engine_ranks_the_brokers_picks_on_top():
    result = quality.evaluate()
    assert result["needs"] == 6
    # Four volunteers per need are labelled good, so 0.8 is a perfect precision@5.
    assert result["precision5"] >= 0.7
    assert result["ndcg5"] >= 0.9


def test_the_labelled_set_covers_every_kind_in_both_splits_and_follows_its_rules():
    data = labelled()
    assert len(data["needs"]) >= 40
    for pool in ("volunteers", "funds", "instruments"):
        for split in ("dev", "test"):
            assert sum(1 for n in data["needs"]
                       if n["resource"] == pool and n["split"] == split) >= 5, (pool, split)
    for need in data["needs"]:
        assert need["relevant"] == labelling.labels(data, need), need["id"]
        assert need["relevant"], need["id"]  # every need has something worth proposing


def test_held_out_ranking_quality_per_kind():
    found = quality.evaluate_kinds("test")
    assert found["volunteers"]["ndcg5"] >= 0.88
    assert found["funds"]["ndcg5"] >= 0.95
    assert found["instruments"]["ndcg5"] >= 0.95
    assert all(f["coverage"] == 1.0 for f in found.values())
    keys = quality.bench_keys()
    assert {"ndcg5_dev_funds", "ndcg5_dev_volunteers", "ndcg5_dev_instruments"} <= set(keys)


def _world(needs: list[dict], funds: list[dict], instruments: list[dict] = (),
           volunteers: list[dict] = ()) -> tuple[dict, engine.Inputs]:
    """A small labelled-set style world, in the shape of tests/data/quality.json."""
    data = labelled()
    base = {"municipality": "GM0392", "pc4": "2012", "themes": [], "life_groups": [],
            "skills": [], "availability": [], "hours": 2, "phase": "maturing",
            "legal_form": "foundation", "amount": 5000, "description": "", "resource": "funds"}
    fund = {"description": "", "regions": ["NL"], "themes": [], "life_groups": [],
            "need_kinds": [], "min_amount": 0, "max_amount": 10_000, "phases": [],
            "legal_forms": [], "closes_in_days": 30}
    world = {"municipalities": data["municipalities"],
             "needs": [{"id": f"n{i}", "title": "Vraag", **base, **n}
                       for i, n in enumerate(needs)],
             "funds": [{"id": f"f{i}", "name": "Fonds", **fund, **f}
                       for i, f in enumerate(funds)],
             "instruments": list(instruments), "volunteers": list(volunteers)}
    return world, quality_inputs.inputs_from(world)


def _fund_scores(world_inputs) -> list[float]:
    world, inputs = world_inputs
    need, call, score, _parts = money.fund_pairs(
        inputs.needs, np.arange(len(inputs.needs)), inputs.calls,
        money.municipality_matrix(inputs.calls, inputs.n_municipalities), Config())
    found = dict(zip(call.tolist(), score.tolist(), strict=True))
    return [found.get(c) for c in range(len(world["funds"]))]


def test_the_primary_theme_counts_more_than_a_secondary_one():
    primary, secondary = _fund_scores(_world(
        [{"kind": "start_grant", "themes": ["elderly_care", "social_cohesion"]}],
        [{"themes": ["elderly_care"]}, {"themes": ["social_cohesion"]}]))
    assert primary > secondary


def test_of_two_equal_funds_the_nearer_region_wins_whatever_the_amount():
    # The municipal fund's range puts the amount at its edge, the national one's at its centre.
    municipal, provincial, national = _fund_scores(_world(
        [{"kind": "start_grant", "themes": ["social_cohesion"], "amount": 5000}],
        [{"regions": ["GM0392"], "themes": ["social_cohesion"], "max_amount": 5000},
         {"regions": ["PV27"], "themes": ["social_cohesion"], "max_amount": 7000},
         {"regions": ["NL"], "themes": ["social_cohesion"], "max_amount": 10_000}]))
    assert municipal > provincial > national


def test_a_weak_instrument_never_outranks_a_strong_fund():
    """Scores share one scale: an instrument that serves every kind and says nothing about the
    need scores below a fund that fits the need's themes and life group."""
    catch_all = {"id": "i0", "municipality": "GM0392", "title": "Loket",
                 "description": "Voor alles", "topic": "loket", "phases": [],
                 "legal_forms": [], "max_amount": None,
                 "need_kinds": ["start_grant", "structural_funding", "space", "permit",
                                "expertise", "network", "training", "publicity"]}
    world, inputs = _world(
        [{"kind": "start_grant", "title": "Buurtkamer voor ouderen",
          "description": "Een ontmoetingsplek voor ouderen", "themes": ["elderly_care"],
          "life_groups": ["elderly"]}],
        [{"name": "Ouderenfonds", "description": "Ontmoeting voor ouderen",
          "themes": ["elderly_care"], "life_groups": ["elderly"], "regions": ["GM0392"]}],
        [catch_all])
    result = engine.run(inputs, Config(method="greedy"))
    fund, instrument = result["fund"].score, result["instrument"].score
    assert len(fund) == 1 and len(instrument) == 1
    assert fund[0] > instrument[0] + 0.2
    # Whatever an instrument's text, its score stays on the same 0–1 scale.
    assert instrument[0] <= 1.0


def test_a_need_without_an_amount_only_gets_funds_without_a_minimum_and_is_told_why():
    world, inputs = _world(
        [{"kind": "start_grant", "themes": ["social_cohesion"], "amount": None}],
        [{"min_amount": 0, "themes": ["social_cohesion"]},
         {"min_amount": 1000, "themes": ["social_cohesion"]}])
    without_minimum, with_minimum = _fund_scores((world, inputs))
    assert without_minimum is not None and with_minimum is None
    result = engine.run(inputs, Config(method="greedy"))["fund"]
    reasons = explain.reasons_for(result, inputs, ["Amsterdam", "Haarlem", "Rotterdam"],
                                  ["PV27", "PV28"], 0)
    assert "geen bedrag genoemd; dit fonds geeft tot € 10.000" in nl.explain(reasons)


def test_a_province_fund_is_explained_with_the_province_name():
    world, inputs = _world([{"kind": "start_grant", "themes": ["social_cohesion"]}],
                           [{"regions": ["PV27"], "themes": ["social_cohesion"]}])
    result = engine.run(inputs, Config(method="greedy"))["fund"]
    sentence = nl.explain(explain.reasons_for(result, inputs, ["Amsterdam", "Haarlem",
                                                               "Rotterdam"], ["PV27", "PV28"], 0))
    assert "werkgebied provincie Noord-Holland" in sentence and "PV27" not in sentence
    assert nl.explain([{"code": "region", "value": "NL"}]) == "landelijk fonds"


def test_an_unknown_province_is_refused_in_dutch(admin):
    created = admin.post("/api/v1/funds", json={"name": "Fonds X", "regions": ["PV99"]})
    assert created.status_code == 422
    assert created.json()["fields"] == {"regions": "onbekende provincie PV99"}


def test_a_fund_with_empty_criteria_lists_matches_without_restriction(connection, session):
    fund = Fund(name="Open Fonds", regions=[], need_kinds=[], themes=[], min_amount_eur=0,
                max_amount_eur=1_000_000)
    session.add(fund)
    session.flush()
    today = utcnow().date()
    session.add(FundCall(fund_id=fund.id, title="Open ronde", budget_eur=10_000_000,
                         opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30)))
    session.commit()
    with unit_of_work() as s:
        matching.rematch(s, None)
    session.expire_all()
    proposed = session.exec(select(Match).where(Match.resource_kind == "fund",
                                                Match.resource_id == fund.id)).all()
    assert proposed
    assert all("landelijk fonds" in m.explanation for m in proposed)


def test_text_weights_are_fitted_once_for_this_vocabulary_version():
    stored = text.stored()
    assert stored.version == get_vocabulary().version
    assert stored == text_weights.fitted()  # refit with `python -m bench.text_weights`


def test_two_runs_and_a_targeted_run_give_identical_scores():
    data = labelled()
    inputs = quality_inputs.inputs_from(data)
    cfg = Config(method="greedy")
    first, second = engine.run(inputs, cfg), engine.run(inputs, cfg)
    for kind in ("volunteer", "fund", "instrument"):
        assert np.array_equal(first[kind].score, second[kind].score), kind
    # One need alone: the words are weighed as in the full run, so its scores do not move.
    row = next(i for i, n in enumerate(data["needs"]) if n["resource"] == "volunteers")
    alone = dict(data, needs=[data["needs"][row]])
    single = engine.run(quality_inputs.inputs_from(alone), cfg)["volunteer"]
    full = first["volunteer"]
    mine = full.need == row
    assert sorted(single.score.tolist()) == sorted(full.score[mine].tolist())


def test_new_skills_carry_dutch_labels_old_ones_stay_and_matching_uses_them():
    vocab = get_vocabulary()
    assert vocab.version == "2015.1-koppel.6"
    for code, label in NEW_SKILLS.items():
        assert vocab.label("skills", code) == label
    for old in ("administration", "handyman", "cooking", "ict", "coaching", "events"):
        assert old in vocab.codes("skills")
    assert loader.codebook().mask("skills", ["groceries"]) != 0
    data = labelled()
    skilled = {s for v in data["volunteers"] for s in v["skills"]}
    assert {"groceries", "homework_help", "digital_help", "entrepreneurship"} <= skilled
    demo = json.loads((text_weights.DEMO / "volunteers.json").read_text(encoding="utf-8"))
    assert {"groceries", "digital_help"} <= {s for v in demo["volunteers"] for s in v["skills"]}
    # A groceries need: the volunteer who does groceries comes first.
    row = next(i for i, n in enumerate(data["needs"]) if n["skills"] == ["groceries"])
    result = engine.run(quality_inputs.inputs_from(data), Config(method="greedy"))["volunteer"]
    best = quality.ranking(result, row, [v["id"] for v in data["volunteers"]])[0]
    assert "groceries" in next(v for v in data["volunteers"] if v["id"] == best)["skills"]


def test_the_fund_preview_counts_amount_less_needs_only_without_a_minimum(session):
    from services.resources import service as resources

    fund = Fund(name="Preview Fonds", regions=[], need_kinds=[], min_amount_eur=0,
                max_amount_eur=1_000_000)
    session.add(fund)
    session.flush()
    open_to_all = resources.fitting_needs(session, fund)
    fund.min_amount_eur = 1
    with_minimum = resources.fitting_needs(session, fund)
    amount_less = session.exec(select(Need).join(Initiative).where(
        Initiative.published.is_(True), Need.status == "open", Need.visibility == "public",
        Need.kind.in_(("start_grant", "structural_funding", "space")),
        Need.amount_eur.is_(None))).all()
    assert amount_less and open_to_all - with_minimum == len(amount_less)
