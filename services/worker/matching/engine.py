"""Orchestrate the engine: candidates → scores → shortlist → text → assignment."""

from dataclasses import dataclass, field

import numpy as np

from services.worker.matching import assign, money, people, text
from services.worker.matching.encode import Codebook
from services.worker.matching.grid import Grid
from services.worker.matching.model import (
    Calls,
    Clients,
    Config,
    Instruments,
    Needs,
    Proposals,
    Volunteers,
)

TEXT_WEIGHT = 0.15
INSTRUMENT_TEXT_WEIGHT = 0.2
# Steadiness: a proposal people can already see (status proposed, in the broker's queue and
# on the initiative's page) competes with this bonus on its score, so a rematch withdraws it
# only when it became ineligible (it is then no candidate at all) or another candidate beats
# it by more than this margin. The stored score stays the real one.
STEADY_MARGIN = 0.05


def pair_keys(left_ids: np.ndarray, right_ids: np.ndarray) -> np.ndarray:
    """One int64 per (id, id) pair."""
    return left_ids.astype(np.int64) << 32 | right_ids.astype(np.int64)


@dataclass
class Inputs:
    """Everything one engine run looks at."""

    needs: Needs
    volunteers: Volunteers
    calls: Calls
    instruments: Instruments
    clients: Clients
    n_municipalities: int
    # The vocabulary's codes as bits and the PC4 grid, handed in: the engine reads no files.
    codebook: Codebook
    grid: Grid
    # Pairs a person already decided on, per resource kind: never proposed again.
    decided: dict[str, np.ndarray] = field(default_factory=dict)
    # Proposals and open commitments each resource holds for needs outside this run, per
    # resource id (per call id for funds, whose budget is per call), counted as exposure.
    open_counts: dict[str, dict[int, int]] = field(default_factory=dict)
    # Pairs already proposed (and shown) for needs of this run, per resource kind.
    incumbent: dict[str, np.ndarray] = field(default_factory=dict)


def steady_bonus(kind: str, inputs: Inputs, need_ids: np.ndarray,
                 res_ids: np.ndarray) -> np.ndarray:
    """STEADY_MARGIN for the pairs already proposed, 0 for new ones."""
    shown = inputs.incumbent.get(kind)
    if shown is None or len(shown) == 0:
        return np.zeros(len(need_ids), dtype=np.float32)
    return (STEADY_MARGIN * np.isin(pair_keys(need_ids, res_ids), shown)).astype(np.float32)


def _drop_decided(kind: str, inputs: Inputs, need_ids: np.ndarray, res_ids: np.ndarray):
    decided = inputs.decided.get(kind)
    if decided is None or len(decided) == 0:
        return np.ones(len(need_ids), dtype=bool)
    return ~np.isin(pair_keys(need_ids, res_ids), decided)


def _shortlist(kind: str, inputs: Inputs, cfg: Config, need, res, res_ids, score, parts):
    """Drop decided pairs and keep the best cfg.shortlist candidates per need (ranked with
    the steadiness bonus, so a shown proposal is not cut before the assignment sees it)."""
    keep = _drop_decided(kind, inputs, inputs.needs.ids[need], res_ids[res])
    need, res, score = need[keep], res[keep], score[keep]
    parts = {k: v[keep] for k, v in parts.items()}
    parts["steady"] = steady_bonus(kind, inputs, inputs.needs.ids[need], res_ids[res])
    short = assign.top_k(need, score + parts["steady"], cfg.shortlist)
    return need[short], res[short], score[short], {k: v[short] for k, v in parts.items()}


def _in_chunks(rows: np.ndarray, cfg: Config, pairs, kind: str, inputs: Inputs, res_ids):
    """Generate and shortlist candidates block by block, so memory stays bounded."""
    needs, ress, scores, parts_list, scored = [], [], [], [], 0
    for start in range(0, len(rows), cfg.chunk):
        need, res, score, parts = pairs(rows[start:start + cfg.chunk])[:4]
        scored += len(need)
        need, res, score, parts = _shortlist(kind, inputs, cfg, need, res, res_ids, score,
                                             parts)
        needs.append(need)
        ress.append(res)
        scores.append(score)
        parts_list.append(parts)
    if not needs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32), {}, 0
    merged = {k: np.concatenate([p[k] for p in parts_list]) for k in parts_list[0]}
    return (np.concatenate(needs), np.concatenate(ress), np.concatenate(scores), merged,
            scored)


def _assign(kind: str, inputs: Inputs, cfg: Config, need, res, res_ids, score, parts,
            vectors, res_vectors, capacity, scored) -> Proposals:
    """Add text similarity to the shortlist and choose the proposals."""
    if res_vectors is not None and len(need):
        similarity = text.pair_cosine(vectors, res_vectors, need, res)
        parts["text"] = similarity
        score = ((1 - TEXT_WEIGHT) * score + TEXT_WEIGHT * similarity).astype(np.float32)
    bonus = parts.pop("steady", np.zeros(len(need), dtype=np.float32))
    ranked = np.minimum(score + bonus, 1).astype(np.float32)
    k = cfg.k[kind]
    if cfg.method == "greedy" or capacity is None:
        chosen = assign.greedy(need, ranked, k)
    else:
        chosen = assign.flow(need, res, ranked, k, capacity,
                             exposure(inputs.open_counts.get(kind, {}), res_ids),
                             cfg.exposure_penalty)
    return Proposals(kind, need[chosen], res[chosen], score[chosen],
                     {k: v[chosen] for k, v in parts.items()}, pairs_scored=scored)


def exposure(opened: dict[int, int], res_ids: np.ndarray) -> np.ndarray:
    """What each resource row already holds elsewhere, from counts per resource id."""
    already = np.zeros(len(res_ids), dtype=np.int64)
    if opened:
        keys = np.fromiter(opened, dtype=np.int64, count=len(opened))
        values = np.fromiter(opened.values(), dtype=np.int64, count=len(opened))
        order = np.argsort(keys)
        at = np.clip(np.searchsorted(keys[order], res_ids), 0, len(keys) - 1)
        hit = keys[order][at] == res_ids
        already[hit] = values[order][at][hit]
    return already


def run(inputs: Inputs, cfg: Config | None = None) -> dict[str, Proposals]:
    """Propose resources for every need; never a pair that breaks a hard constraint."""
    cfg = cfg or Config()
    needs = inputs.needs
    vectors = text.vectorise(needs.text, inputs.volunteers.text, inputs.calls.text,
                             inputs.instruments.text)
    need_vec, vol_vec, call_vec, inst_vec = vectors
    out: dict[str, Proposals] = {}

    served = inputs.codebook.kinds_served
    rows = np.flatnonzero(np.isin(needs.kind, list(served("volunteer"))))
    vols = inputs.volunteers
    if len(vols) and len(rows):
        index = people.VolunteerIndex(vols, inputs.grid)
        found = _in_chunks(rows, cfg, lambda r: people.volunteer_pairs(needs, r, vols, index,
                                                                       cfg),
                           "volunteer", inputs, vols.ids)
        capacity = np.full(len(vols), cfg.max_open["volunteer"], dtype=np.int64)
        out["volunteer"] = _assign("volunteer", inputs, cfg, *found[:2], vols.ids, *found[2:4],
                                   need_vec, vol_vec, capacity, found[4])
    else:
        out["volunteer"] = Proposals.empty("volunteer")

    rows = np.flatnonzero(np.isin(needs.kind, list(served("fund"))))
    calls = inputs.calls
    matrix = money.municipality_matrix(calls, inputs.n_municipalities)
    need, call, score, parts, scored = _in_chunks(
        rows, cfg, lambda r: money.fund_pairs(needs, r, calls, matrix, cfg), "fund", inputs,
        calls.fund_ids)
    if len(need):
        capacity = _call_capacity(calls, needs.amount[need], call, cfg)
        # Exposure and capacity are per call (call ids key open_counts for funds); the
        # decided and shown pairs were matched on fund ids above.
        result = _assign("fund", inputs, cfg, need, call, calls.call_ids, score, parts,
                         need_vec, call_vec, capacity, scored)
        best = assign.top_k(pair_keys(needs.ids[result.need], calls.fund_ids[result.resource]),
                            result.score, 1)
        out["fund"] = Proposals("fund", result.need[best], result.resource[best],
                                result.score[best], {k: v[best] for k, v in result.parts.items()},
                                pairs_scored=scored)
    else:
        out["fund"] = Proposals.empty("fund")

    rows = np.flatnonzero(np.isin(needs.kind, list(served("instrument"))))
    need, inst, score, parts = money.instrument_pairs(needs, rows, inputs.instruments)
    keep = _drop_decided("instrument", inputs, needs.ids[need], inputs.instruments.ids[inst])
    need, inst, score = need[keep], inst[keep], score[keep]
    parts = {k: v[keep] for k, v in parts.items()}
    if len(need):
        similarity = text.pair_cosine(need_vec, inst_vec, need, inst)
        parts["text"] = similarity
        score = (score + INSTRUMENT_TEXT_WEIGHT * similarity).astype(np.float32)
    bonus = steady_bonus("instrument", inputs, needs.ids[need], inputs.instruments.ids[inst])
    chosen = assign.greedy(need, score + bonus, cfg.k["instrument"])
    out["instrument"] = Proposals("instrument", need[chosen], inst[chosen], score[chosen],
                                  {k: v[chosen] for k, v in parts.items()},
                                  pairs_scored=len(need))

    rows = np.flatnonzero(np.isin(needs.kind, list(served("placement"))))
    found = _in_chunks(rows, cfg, lambda r: people.client_pairs(needs, r, inputs.clients, cfg,
                                                                inputs.codebook, inputs.grid),
                       "placement", inputs, inputs.clients.ids)
    capacity = np.full(len(inputs.clients), cfg.max_open["placement"], dtype=np.int64)
    out["placement"] = _assign("placement", inputs, cfg, *found[:2], inputs.clients.ids,
                               *found[2:4], None, None, capacity, found[4])
    return out


def _call_capacity(calls: Calls, amounts: np.ndarray, call: np.ndarray,
                   cfg: Config) -> np.ndarray:
    """Open proposals a call can carry: its remaining budget over a typical request."""
    typical = np.full(len(calls), np.nan)
    known = ~np.isnan(amounts)
    if known.any():
        sums = np.bincount(call[known], weights=amounts[known], minlength=len(calls))
        counts = np.bincount(call[known], minlength=len(calls))
        typical = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    typical = np.where(np.isnan(typical), np.maximum(calls.min_amount, 1), typical)
    slots = np.floor(calls.remaining / np.maximum(typical, 1))
    return np.clip(slots, 1, cfg.max_open["fund"]).astype(np.int64)
