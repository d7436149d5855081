"""From scored candidate pairs to proposals: min-cost flow with capacities, or greedy top-k."""

import numpy as np
from ortools.graph.python import min_cost_flow

COST_SCALE = 1000
# Reward for a need's first proposal: far above any pair cost, so coverage comes first.
COVER_REWARD = 100 * COST_SCALE


def rank_within(groups: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order pairs by group, then by descending score (ties by position); return the order
    and each pair's rank inside its group."""
    if len(groups) and np.all(groups[1:] >= groups[:-1]):
        dense = np.r_[0, np.cumsum(groups[1:] != groups[:-1])]
    else:
        dense = np.unique(groups, return_inverse=True)[1]
    if len(dense) and dense.max() < np.iinfo(np.int16).max:
        # Stable sorts on 16-bit keys are radix sorts, linear in the number of pairs; scores
        # are ranked at 1/65535 resolution, closer ones count as ties (kept in position order).
        quantised = (65535 - np.round(np.clip(score, 0, 1) * 65535)).astype(np.uint16)
        by_score = np.argsort(quantised, kind="stable")
        by_group = np.argsort(dense[by_score].astype(np.int16), kind="stable")
        order = by_score[by_group]
    else:
        order = np.lexsort((-score, dense))
    sorted_groups = dense[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return order, np.arange(len(order)) - group_start


def top_k(groups: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the k best pairs per group (ties broken by position, deterministic)."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    within = contenders(groups, score, k)
    if within is not None:
        order, rank = rank_within(groups[within], score[within])
        return within[np.sort(order[rank < k])]
    order, rank = rank_within(groups, score)
    return np.sort(order[rank < k])


BUCKETS = 256


def contenders(groups: np.ndarray, score: np.ndarray, k: int,
               slack: float = 0.0) -> np.ndarray | None:
    """Pairs that can be among their group's k best even when some pairs gain up to `slack`,
    in order; None when there are too few pairs for narrowing them to pay.

    A group's k-th best pair lies in some score bucket; a pair more than `slack` below that
    bucket is beaten by at least k others whatever they gain, so only pairs from there up need
    ranking. Buckets are slices of the 16-bit scores rank_within compares, so ranking the
    contenders gives exactly the same answer as ranking every pair.
    """
    n = len(groups)
    if n < 64 * k or not np.all(groups[1:] >= groups[:-1]):
        return None
    dense = np.r_[0, np.cumsum(groups[1:] != groups[:-1])]
    n_groups = int(dense[-1]) + 1
    if n < 8 * k * n_groups:
        return None
    bucket = (np.round(np.clip(score, 0, 1) * 65535).astype(np.int64) >> 8)
    hist = np.bincount(dense * BUCKETS + bucket, minlength=n_groups * BUCKETS)
    # Pairs at or above each bucket, per group; the threshold is the highest bucket that
    # still holds k of them (0 for a group with fewer than k pairs).
    at_or_above = np.cumsum(hist.reshape(n_groups, BUCKETS)[:, ::-1], axis=1)[:, ::-1]
    enough = at_or_above >= k
    threshold = np.where(enough.any(axis=1),
                         BUCKETS - 1 - np.argmax(enough[:, ::-1], axis=1), 0)
    if slack:
        threshold = threshold - int(np.ceil(slack * BUCKETS)) - 1
    return np.flatnonzero(bucket >= threshold[dense])


def greedy(need: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """The baseline other platforms use: every need takes its top k, capacity ignored."""
    return top_k(need, score, k)


def flow(need: np.ndarray, resource: np.ndarray, score: np.ndarray, k: int,
         capacity: np.ndarray, already_open: np.ndarray, penalty: float) -> np.ndarray:
    """Indexes of the chosen pairs under capacities: coverage first, then quality.

    Each need can take up to k proposals: its first one earns a large reward (every need
    should get someone before anyone gets a fifth), further ones a normal reward. Resource r
    takes at most capacity[r] more; its j-th new proposal costs penalty × (already_open[r] + j),
    so popular resources are spread over needs instead of being proposed everywhere. A pair is
    only worth proposing when its quality beats those costs; the rest flows through a bypass.
    """
    if len(need) == 0:
        return np.zeros(0, dtype=np.int64)
    need_ids, need_node = np.unique(need, return_inverse=True)
    res_ids, res_node, res_pairs = np.unique(resource, return_inverse=True, return_counts=True)
    n_need, n_res = len(need_ids), len(res_ids)
    source, sink = 0, 1
    need_base, res_base = 2, 2 + n_need
    total = int(n_need * k)
    cap = np.maximum(capacity[res_ids] - already_open[res_ids], 0).astype(np.int64)
    pair_cost = np.round((1.0 - score) * COST_SCALE).astype(np.int64)
    # A resource that only this one pair asks for, with room left, needs no node of its own:
    # the pair goes straight to the sink at its cost plus the resource's first slot's cost.
    # The problem (and its optimum) is the same; a national run has ~40% fewer nodes.
    alone = ((res_pairs == 1) & (cap > 0))[res_node]
    first_slot = np.round(penalty * COST_SCALE * already_open[res_ids]).astype(np.int64)

    solver = min_cost_flow.SimpleMinCostFlow()
    # source → need, k unit arcs: the first one is the coverage reward
    unit_cost = np.tile(np.r_[-COVER_REWARD, np.full(k - 1, -COST_SCALE)], n_need)
    solver.add_arcs_with_capacity_and_unit_cost(
        np.full(total, source), need_base + np.repeat(np.arange(n_need), k),
        np.ones(total, dtype=np.int64), unit_cost.astype(np.int64))
    # need → resource, cheaper for better scores (or need → sink for a resource alone)
    pair_arcs = solver.add_arcs_with_capacity_and_unit_cost(
        need_base + need_node, np.where(alone, sink, res_base + res_node),
        np.ones(len(need), dtype=np.int64),
        pair_cost + np.where(alone, first_slot[res_node], 0))
    # resource → sink, one arc per free slot with a growing exposure cost
    cap[res_pairs == 1] = 0
    slot_res = np.repeat(np.arange(n_res), cap)
    slot_j = np.arange(len(slot_res)) - np.repeat(np.cumsum(cap) - cap, cap)
    slot_cost = np.round(penalty * COST_SCALE * (already_open[res_ids][slot_res] + slot_j))
    solver.add_arcs_with_capacity_and_unit_cost(
        res_base + slot_res, np.full(len(slot_res), sink), np.ones(len(slot_res), dtype=np.int64),
        slot_cost.astype(np.int64))
    # bypass for demand nobody should fill
    solver.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    solver.set_node_supply(source, total)
    solver.set_node_supply(sink, -total)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = solver.flows(pair_arcs)
    return np.flatnonzero(flows > 0)
