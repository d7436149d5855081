"""A full rematch split into shards by region, run by separate worker processes.

Each shard reads the needs of its municipalities (a band of latitude, so shards are regions)
and every volunteer living within the widest radius of that band, so a volunteer near a
border is a candidate in each shard whose needs they can reach. The shards score and
shortlist in parallel and hand their candidates, by id, to one combining step that runs the
assignment over all of them at once: every volunteer's, client's and call's capacity and
exposure is counted once, whichever shards proposed it, and the answer is the one a single
process gives. Each shard then writes the proposals of its own needs.
"""

import io
import json
import logging
import time

import numpy as np
from sqlalchemy import delete, select

from db.models import Initiative, Match, Need
from services.brokerage.service import MatchStatus
from services.matching import loader, runner
from services.worker.matching import engine
from services.worker.matching.model import Config

log = logging.getLogger(__name__)


def plan(session, shards: int) -> list[list[int]]:
    """Open need ids per shard: whole municipalities, ordered south to north, cut into
    shards with about as many needs each."""
    rows = session.execute(select(Need.id, Initiative.municipality_code, Initiative.pc4)
                           .join(Initiative, Initiative.id == Need.initiative_id)
                           .where(Need.status == "open").order_by(Need.id)).all()
    grid = loader.pc4_grid()
    lat = np.degrees(grid.lat)
    at = grid.indexes([r[2] for r in rows])
    groups: dict[str, list] = {}
    for (need_id, muni, _pc4), i in zip(rows, at.tolist(), strict=True):
        groups.setdefault(muni or "", []).append((need_id, lat[i] if i >= 0 else np.nan))
    order = sorted(groups, key=lambda m: (np.nanmean([x for _n, x in groups[m]] or [0.0])
                                          if any(x == x for _n, x in groups[m]) else 0.0, m))
    out: list[list[int]] = [[] for _ in range(max(shards, 1))]
    total, done = len(rows), 0
    for muni in order:
        shard = min(done * len(out) // max(total, 1), len(out) - 1)
        out[shard] += [n for n, _x in groups[muni]]
        done += len(groups[muni])
    return [sorted(ids) for ids in out]


class Shard:
    """One shard's inputs and candidates, kept in memory between scoring and storing."""

    def __init__(self, session, need_ids: list[int], cfg: Config) -> None:
        self.need_ids = need_ids
        self.inputs, self.places = loader.load_inputs(session, need_ids, shard=True)
        self.found = engine.candidates(self.inputs, cfg)
        self.pools = engine.pooled(self.inputs, self.found, cfg)

    def store(self, session, chosen: dict[str, np.ndarray], run_id: int | None) -> dict:
        """Write the proposals of this shard's needs."""
        proposals = engine.proposals(self.inputs, self.found, chosen)
        return runner.store(session, self.inputs, self.places, proposals, self.need_ids,
                            run_id)


def combine(pools: list[dict[str, engine.Pool]], cfg: Config) -> dict[str, np.ndarray]:
    """The assignment over every shard's candidates at once."""
    kinds = pools[0].keys() if pools else ()
    return engine.choose({kind: engine.Pool.merge([p[kind] for p in pools]) for kind in kinds},
                         cfg)


def drop_closed(session) -> int:
    """Proposals of needs no longer open (a full run owns every need; shards only theirs)."""
    open_needs = select(Need.id).where(Need.status == "open")
    result = session.execute(delete(Match).where(Match.status == MatchStatus.PROPOSED.value,
                                                 Match.need_id.not_in(open_needs)))
    return result.rowcount or 0


def run_local(session_factory, shards: int, cfg: Config | None = None,
              run_id: int | None = None) -> dict[str, int]:
    """Every shard in this process, one after the other (the embedded mode and the tests)."""
    cfg = cfg or Config()
    with session_factory() as session:
        parts = plan(session, shards)
    loaded = []
    for need_ids in parts:
        with session_factory() as session:
            loaded.append(Shard(session, need_ids, cfg))
    chosen = combine([s.pools for s in loaded], cfg)
    totals = {"needs": 0, "pairs_scored": 0, "proposals": 0, "written": 0}
    for shard in loaded:
        with session_factory() as session:
            stats = shard.store(session, chosen, run_id)
        for key in totals:
            totals[key] += stats[key]
    with session_factory() as session:
        drop_closed(session)
    return totals


# The pools travel between worker processes as numpy archives (no pickle).
def pools_to_bytes(pools: dict[str, engine.Pool]) -> bytes:
    """A shard's pools as one .npz archive."""
    arrays = {}
    for kind, p in pools.items():
        arrays[f"{kind}.need_ids"], arrays[f"{kind}.keys"] = p.need_ids, p.keys
        arrays[f"{kind}.ranked"] = p.ranked
        arrays[f"{kind}.already"] = np.array(list(p.already.items()), dtype=np.int64
                                             ).reshape(-1, 2)
        if p.capacity is not None:
            arrays[f"{kind}.capacity"] = np.array(list(p.capacity.items()), dtype=np.int64
                                                  ).reshape(-1, 2)
        if p.calls is not None:
            arrays[f"{kind}.calls"] = np.array([(k, *v) for k, v in p.calls.items()],
                                               dtype=np.float64).reshape(-1, 3)
            arrays[f"{kind}.amount"] = p.amount
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def pools_from_bytes(raw: bytes) -> dict[str, engine.Pool]:
    """The inverse of pools_to_bytes."""
    data = np.load(io.BytesIO(raw), allow_pickle=False)
    out = {}
    for kind in sorted({name.split(".")[0] for name in data.files}):
        def pairs(name: str, kind: str = kind) -> dict[int, int] | None:
            key = f"{kind}.{name}"
            return {int(a): int(b) for a, b in data[key]} if key in data.files else None
        calls = None
        if f"{kind}.calls" in data.files:
            calls = {int(c): (float(r), float(m)) for c, r, m in data[f"{kind}.calls"]}
        out[kind] = engine.Pool(data[f"{kind}.need_ids"], data[f"{kind}.keys"],
                                data[f"{kind}.ranked"], pairs("capacity"), pairs("already"),
                                calls, data[f"{kind}.amount"] if calls is not None else None)
    return out


def chosen_to_bytes(chosen: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **chosen)
    return buffer.getvalue()


def chosen_from_bytes(raw: bytes) -> dict[str, np.ndarray]:
    data = np.load(io.BytesIO(raw), allow_pickle=False)
    return {kind: data[kind] for kind in data.files}


def wait_for(client, key: str, timeout: float) -> bytes:
    """A value another shard publishes under key, waiting for it up to timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = client.get(key)
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {key} after {timeout:.0f} s: fewer worker processes than "
                               "shards, or a shard failed")
        time.sleep(0.05)


def _prefix(run_id: int) -> str:
    return f"koppel:matching:run:{run_id}"


KEEP_S = 3600  # exchanged arrays expire after an hour, whatever happens to the run


def publish_plan(client, run_id: int, parts: list[list[int]]) -> None:
    """The orchestrator's plan, one need list per shard, for the shard tasks to read."""
    for i, ids in enumerate(parts):
        client.set(f"{_prefix(run_id)}:plan:{i}", chosen_to_bytes({"ids": np.array(ids)}),
                   ex=KEEP_S)


def run_shard(session_factory, client, run_id: int, index: int, count: int,
              cfg: Config | None = None, timeout: float = 1200) -> dict:
    """One shard task: score and shortlist its needs, hand the candidates on, wait for the
    combined choice and write its needs' proposals. Shard 0 also combines and finishes.

    Every shard of a run must run at the same time (at least as many worker processes as
    shards): they wait for each other's candidates.
    """
    cfg = cfg or Config()
    prefix = _prefix(run_id)
    ids = chosen_from_bytes(wait_for(client, f"{prefix}:plan:{index}", timeout))["ids"]
    with session_factory() as session:
        shard = Shard(session, ids.tolist(), cfg)
    client.set(f"{prefix}:pools:{index}", pools_to_bytes(shard.pools), ex=KEEP_S)
    if index == 0:
        pools = [shard.pools] + [pools_from_bytes(wait_for(client, f"{prefix}:pools:{i}",
                                                           timeout))
                                 for i in range(1, count)]
        client.set(f"{prefix}:chosen", chosen_to_bytes(combine(pools, cfg)), ex=KEEP_S)
    chosen = chosen_from_bytes(wait_for(client, f"{prefix}:chosen", timeout))
    with session_factory() as session:
        stats = shard.store(session, chosen, run_id)
    client.rpush(f"{prefix}:done", json.dumps(stats))
    client.expire(f"{prefix}:done", KEEP_S)
    if index == 0:
        deadline = time.monotonic() + timeout
        while client.llen(f"{prefix}:done") < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"shards of run {run_id} did not finish")
            time.sleep(0.05)
        with session_factory() as session:
            drop_closed(session)
        totals = {"needs": 0, "pairs_scored": 0, "proposals": 0, "written": 0}
        for raw in client.lrange(f"{prefix}:done", 0, -1):
            for key, value in json.loads(raw).items():
                totals[key] += value
        client.delete(*[f"{prefix}:{name}" for name in
                        ["chosen", "done", *[f"pools:{i}" for i in range(count)],
                         *[f"plan:{i}" for i in range(count)]]])
        return totals
    return stats
