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
    return (STEADY_MARGIN * _member(need_ids, res_ids, shown)).astype(np.float32)


def _member(need_ids: np.ndarray, res_ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which (need id, resource id) pairs are among the pair keys. A national run checks
    ~100 million pairs against ~250,000 keys: a hashed bitmap of the keys lets through the
    few pairs that can be among them (and ~1 % that merely share a hash), checked exactly."""
    out = np.zeros(len(need_ids), dtype=bool)
    if len(need_ids) == 0 or len(keys) == 0:
        return out
    table = np.zeros(1 << HASH_BITS, dtype=bool)
    table[_hash(keys >> 32, keys & 0xFFFFFFFF)] = True
    at = np.flatnonzero(table[_hash(need_ids, res_ids)])
    out[at] = np.isin(pair_keys(need_ids[at], res_ids[at]), keys)
    return out


HASH_BITS = 24


def _hash(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Multiplicative hash of an id pair into HASH_BITS bits (uint64 arithmetic wraps)."""
    mixed = (left.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
             + right.astype(np.uint64)) * np.uint64(0xBF58476D1CE4E5B9)
    return (mixed >> np.uint64(64 - HASH_BITS)).astype(np.intp)


def _undecided(kind: str, inputs: Inputs, need: np.ndarray, res_ids: np.ndarray
               ) -> np.ndarray | None:
    """Positions of the pairs (need rows, resource ids) nobody decided on yet; None when
    that is every pair."""
    decided = inputs.decided.get(kind)
    if decided is None or len(decided) == 0:
        return None
    # Only needs with a decided pair can lose one: look those up, not every pair.
    touched = np.isin(inputs.needs.ids, np.unique(decided >> 32))[need]
    drop = np.flatnonzero(touched)[_member(inputs.needs.ids[need[touched]], res_ids[touched],
                                           decided)]
    if len(drop) == 0:
        return None
    return np.setdiff1d(np.arange(len(need)), drop, assume_unique=True)


def _shortlist(kind: str, inputs: Inputs, cfg: Config, need, res, res_ids, score, parts):
    """Drop decided pairs and keep the best cfg.shortlist candidates per need (ranked with
    the steadiness bonus, so a shown proposal is not cut before the assignment sees it)."""
    rows = _undecided(kind, inputs, need, res_ids[res])
    if rows is not None:
        need, res, score = need[rows], res[rows], score[rows]
    shown = inputs.incumbent.get(kind)
    if shown is None or len(shown) == 0:
        short = assign.top_k(need, score, cfg.shortlist)
        steady = np.zeros(len(short), dtype=np.float32)
    else:
        # A shown pair gains at most STEADY_MARGIN: only pairs that close to a need's best
        # cfg.shortlist can end up in it, so only those are looked up among the shown ones.
        near = assign.contenders(need, score, cfg.shortlist, slack=STEADY_MARGIN)
        near = np.arange(len(need)) if near is None else near
        bonus = steady_bonus(kind, inputs, inputs.needs.ids[need[near]], res_ids[res[near]])
        picked = assign.top_k(need[near], score[near] + bonus, cfg.shortlist)
        short, steady = near[picked], bonus[picked]
    # Index the score parts once, at the end: a chunk holds millions of pairs.
    at = short if rows is None else rows[short]
    out = {k: v[at] for k, v in parts.items()}
    out["steady"] = steady
    return need[short], res[short], score[short], out


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


@dataclass
class Candidates:
    """Shortlisted pairs of one kind, scored, before the assignment (row indexes into the
    run's inputs). `key` names the unit that carries capacity and exposure: the resource id,
    or the call id for funds."""

    kind: str
    need: np.ndarray
    resource: np.ndarray
    score: np.ndarray
    ranked: np.ndarray  # score plus the steadiness bonus: what the assignment compares
    parts: dict[str, np.ndarray]
    key: np.ndarray
    scored: int = 0
    amount: np.ndarray | None = None  # funds: the need's amount, for the call's capacity


def _candidates(kind: str, inputs: Inputs, need, res, res_ids, key_ids, score, parts,
                vectors, res_vectors, scored, weight=TEXT_WEIGHT, blend=True) -> Candidates:
    """Add text similarity to the shortlist."""
    if res_vectors is not None and len(need):
        rows = res
        if isinstance(res_vectors, _Rows):
            res_vectors, rows = res_vectors.vectorise(res)
        similarity = text.pair_cosine(vectors, res_vectors, need, rows)
        parts["text"] = similarity
        score = (((1 - weight) * score if blend else score) + weight * similarity
                 ).astype(np.float32)
    bonus = parts.pop("steady", np.zeros(len(need), dtype=np.float32))
    ranked = np.minimum(score + bonus, 1).astype(np.float32)
    return Candidates(kind, need, res, score, ranked, parts, key_ids[res], scored)


class _Rows:
    """Texts to vectorise only where a shortlist needs them."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def vectorise(self, rows: np.ndarray):
        """The vectors of the distinct rows, and each row's position among them."""
        used, at = np.unique(rows, return_inverse=True)
        return text.vectorise([self.texts[i] for i in used.tolist()])[0], at


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
    found = candidates(inputs, cfg)
    return proposals(inputs, found, choose(pooled(inputs, found, cfg), cfg))


def candidates(inputs: Inputs, cfg: Config) -> dict[str, Candidates]:
    """Every kind's scored shortlist: the part of a run that splits over shards."""
    needs = inputs.needs
    need_vec, inst_vec = text.vectorise(needs.text, inputs.instruments.text)
    # Volunteers' texts only for the shortlisted ones (rows are weighed independently).
    vol_vec = _Rows(inputs.volunteers.text)
    call_vec = _call_vectors(inputs.calls.text)
    out: dict[str, Candidates] = {}
    empty = np.zeros(0, dtype=np.int64)

    served = inputs.codebook.kinds_served
    rows = np.flatnonzero(np.isin(needs.kind, list(served("volunteer"))))
    vols = inputs.volunteers
    if len(vols) and len(rows):
        index = people.VolunteerIndex(vols, inputs.grid)
        found = _in_chunks(rows, cfg, lambda r: people.volunteer_pairs(needs, r, vols, index,
                                                                       cfg),
                           "volunteer", inputs, vols.ids)
    else:
        found = (empty, empty, np.zeros(0, dtype=np.float32), {}, 0)
    out["volunteer"] = _candidates("volunteer", inputs, *found[:2], vols.ids, vols.ids,
                                   *found[2:4], need_vec, vol_vec, found[4])

    rows = np.flatnonzero(np.isin(needs.kind, list(served("fund"))))
    calls = inputs.calls
    matrix = _municipality_matrix(calls, inputs.n_municipalities)
    need, call, score, parts, scored = _in_chunks(
        rows, cfg, lambda r: money.fund_pairs(needs, r, calls, matrix, cfg), "fund", inputs,
        calls.fund_ids)
    # Decided and shown pairs are matched on fund ids (above); capacity and exposure are
    # per call, so calls key the assignment.
    out["fund"] = _candidates("fund", inputs, need, call, calls.fund_ids, calls.call_ids,
                              score, parts, need_vec, call_vec, scored)
    out["fund"].amount = needs.amount[need]

    rows = np.flatnonzero(np.isin(needs.kind, list(served("instrument"))))
    need, inst, score, parts = money.instrument_pairs(needs, rows, inputs.instruments)
    keep = _undecided("instrument", inputs, need, inputs.instruments.ids[inst])
    keep = slice(None) if keep is None else keep
    need, inst, score = need[keep], inst[keep], score[keep]
    parts = {k: v[keep] for k, v in parts.items()}
    parts["steady"] = steady_bonus("instrument", inputs, needs.ids[need],
                                   inputs.instruments.ids[inst])
    out["instrument"] = _candidates("instrument", inputs, need, inst, inputs.instruments.ids,
                                    inputs.instruments.ids, score, parts, need_vec, inst_vec,
                                    len(need), weight=INSTRUMENT_TEXT_WEIGHT, blend=False)

    rows = np.flatnonzero(np.isin(needs.kind, list(served("placement"))))
    found = _in_chunks(rows, cfg, lambda r: people.client_pairs(needs, r, inputs.clients, cfg,
                                                                inputs.codebook, inputs.grid),
                       "placement", inputs, inputs.clients.ids)
    out["placement"] = _candidates("placement", inputs, *found[:2], inputs.clients.ids,
                                   inputs.clients.ids, *found[2:4], None, None, found[4])
    return out


# The last call texts vectorised, by identity: the loader hands out the same cached Calls
# while no fund or call changed, so a targeted rematch does not re-vectorise every call.
_CALL_VECTORS: list = []


def _call_vectors(texts: list[str]):
    if not _CALL_VECTORS or _CALL_VECTORS[0] is not texts:
        _CALL_VECTORS[:] = [texts, text.vectorise(texts)[0]]
    return _CALL_VECTORS[1]


_MATRIX: list = []


def _municipality_matrix(calls: Calls, n_municipalities: int) -> np.ndarray:
    """money.municipality_matrix, kept while the same Calls come back (see _CALL_VECTORS)."""
    if not _MATRIX or _MATRIX[0] is not calls or _MATRIX[1] != n_municipalities:
        _MATRIX[:] = [calls, n_municipalities,
                      money.municipality_matrix(calls, n_municipalities)]
    return _MATRIX[2]


@dataclass
class Pool:
    """Candidates of one kind by id, ready for the assignment: what a shard hands to the
    combining step. Capacity and exposure are per key (resource or call id)."""

    need_ids: np.ndarray
    keys: np.ndarray
    ranked: np.ndarray
    capacity: dict[int, int] | None  # None: no shared capacity (each need takes its best)
    already: dict[int, int]
    calls: dict[int, tuple[float, float]] | None = None  # funds: remaining budget, minimum
    amount: np.ndarray | None = None  # funds: each candidate need's amount

    @classmethod
    def merge(cls, pools: list["Pool"]) -> "Pool":
        capacity = None
        if pools and pools[0].capacity is not None:
            capacity = {}
            for p in pools:
                capacity.update(p.capacity)
        already: dict[int, int] = {}
        for p in pools:
            already.update(p.already)
        calls = pools[0].calls if pools else None
        amount = None if calls is None else np.concatenate([p.amount for p in pools])
        return cls(np.concatenate([p.need_ids for p in pools]),
                   np.concatenate([p.keys for p in pools]),
                   np.concatenate([p.ranked for p in pools]), capacity, already, calls, amount)


def pooled(inputs: Inputs, found: dict[str, Candidates], cfg: Config) -> dict[str, Pool]:
    """Candidates by id, with each key's capacity and what it already holds."""
    out = {}
    for kind, c in found.items():
        keys = np.unique(c.key)
        capacity = None
        if kind in ("volunteer", "placement"):
            capacity = dict.fromkeys(keys.tolist(), cfg.max_open[kind])
        elif kind == "fund":
            capacity = {}  # filled in choose(): a call's capacity depends on every request
        opened = inputs.open_counts.get(kind, {})
        out[kind] = Pool(inputs.needs.ids[c.need], c.key.astype(np.int64), c.ranked, capacity,
                         {k: opened[k] for k in keys.tolist() if k in opened})
        if kind == "fund":
            out[kind].calls, out[kind].amount = _call_table(inputs.calls), c.amount
    return out


_CALL_TABLE: list = []


def _call_table(calls: Calls) -> dict[int, tuple[float, float]]:
    """Each call's remaining budget and minimum, kept while the same Calls come back."""
    if not _CALL_TABLE or _CALL_TABLE[0] is not calls:
        _CALL_TABLE[:] = [calls, {c: (r, m) for c, r, m in zip(
            calls.call_ids.tolist(), calls.remaining.tolist(), calls.min_amount.tolist(),
            strict=True)}]
    return _CALL_TABLE[1]


def choose(pools: dict[str, Pool], cfg: Config) -> dict[str, np.ndarray]:
    """The chosen pairs per kind as pair keys (need id, key id). The same answer whatever
    the order or the split of the pools: pairs are put in one canonical order first."""
    out = {}
    for kind, pool in pools.items():
        order = np.lexsort((pool.keys, pool.need_ids))
        need_ids, keys, ranked = pool.need_ids[order], pool.keys[order], pool.ranked[order]
        if len(need_ids) == 0:
            out[kind] = np.zeros(0, dtype=np.int64)
            continue
        capacity = pool.capacity
        if kind == "fund" and capacity is not None:
            capacity = _call_capacity_by_id(pool.calls, keys, pool.amount[order], cfg)
        if cfg.method == "greedy" or capacity is None:
            chosen = assign.greedy(need_ids, ranked, cfg.k[kind])
        else:
            unique, res = np.unique(keys, return_inverse=True)
            cap = np.fromiter((capacity.get(k, 0) for k in unique.tolist()), dtype=np.int64,
                              count=len(unique))
            chosen = assign.flow(need_ids, res, ranked, cfg.k[kind], cap,
                                 exposure(pool.already, unique), cfg.exposure_penalty)
        out[kind] = np.sort(pair_keys(need_ids[chosen], keys[chosen]))
    return out


def proposals(inputs: Inputs, found: dict[str, Candidates],
              chosen: dict[str, np.ndarray]) -> dict[str, Proposals]:
    """The chosen pairs of this run's needs as proposals with their score parts."""
    out = {}
    for kind, c in found.items():
        picked = np.flatnonzero(np.isin(pair_keys(inputs.needs.ids[c.need], c.key),
                                        chosen.get(kind, np.zeros(0, dtype=np.int64))))
        p = Proposals(kind, c.need[picked], c.resource[picked], c.score[picked],
                      {k: v[picked] for k, v in c.parts.items()}, pairs_scored=c.scored)
        if kind == "fund" and len(p.need):
            # One proposal per fund and need, even when several of its calls fit.
            best = assign.top_k(pair_keys(inputs.needs.ids[p.need],
                                          inputs.calls.fund_ids[p.resource]), p.score, 1)
            p = Proposals(kind, p.need[best], p.resource[best], p.score[best],
                          {k: v[best] for k, v in p.parts.items()}, pairs_scored=c.scored)
        out[kind] = p
    return out


def _call_capacity_by_id(calls: dict[int, tuple[float, float]], keys: np.ndarray,
                         amounts: np.ndarray, cfg: Config) -> dict[int, int]:
    """Open proposals a call can carry: its remaining budget over a typical request among
    its candidates (or its minimum amount when none states one)."""
    out = {}
    unique, at = np.unique(keys, return_inverse=True)
    known = ~np.isnan(amounts)
    sums = np.bincount(at[known], weights=amounts[known], minlength=len(unique))
    counts = np.bincount(at[known], minlength=len(unique))
    for i, call in enumerate(unique.tolist()):
        remaining, minimum = calls[call]
        typical = sums[i] / counts[i] if counts[i] else max(minimum, 1)
        slots = np.floor(remaining / max(typical, 1))
        out[call] = int(np.clip(slots, 1, cfg.max_open["fund"]))
    return out
