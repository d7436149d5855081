"""One full national rematch in its own process, so its peak memory is its own."""

import json
import resource
import sys
import time

import numpy as np

from db.engine import make_engine
from db.session import SessionFactory, unit_of_work
from services.matching import loader
from services.matching import runner as matching
from services.worker.matching import assign, engine, naive
from services.worker.matching.model import Config, Volunteers

BASELINE_SECONDS = 20.0


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of a non-negative distribution (0 = perfectly even)."""
    values = np.sort(counts.astype(float))
    if values.sum() == 0:
        return 0.0
    n = len(values)
    return float((2 * np.arange(1, n + 1) - n - 1) @ values / (n * values.sum()))


def spread(inputs: engine.Inputs, proposals, cfg: Config) -> dict:
    """Coverage of volunteer needs and how proposals are spread over volunteers.

    Coverage counts a need as served when at least one of its proposals is one its volunteer
    can act on: a volunteer answers at most max_open invitations (their best ones), so
    proposals beyond that, which greedy top-k piles onto popular volunteers, reach nobody.
    """
    volunteer_rows = np.flatnonzero(np.isin(inputs.needs.kind,
                                            list(inputs.codebook.kinds_served("volunteer"))))
    p = proposals["volunteer"]
    usable = assign.top_k(p.resource, p.score, cfg.max_open["volunteer"])
    covered = np.isin(volunteer_rows, p.need[usable]).mean() if len(volunteer_rows) else 0.0
    per_volunteer = np.bincount(p.resource, minlength=len(inputs.volunteers))
    return {"coverage": round(float(covered), 4), "max_open": int(per_volunteer.max(initial=0)),
            "gini": round(gini(per_volunteer), 4), "proposals": int(len(p.need))}


def baseline(inputs: engine.Inputs, seed: int = 7) -> dict:
    """Per-pair Python scoring and greedy top-k on a 1% sample of needs and volunteers."""
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(np.isin(inputs.needs.kind,
                                  list(inputs.codebook.kinds_served("volunteer"))))
    rows = np.sort(rng.choice(rows, max(1, len(rows) // 100), replace=False))
    vols = inputs.volunteers
    pick = np.sort(rng.choice(len(vols), max(1, len(vols) // 100), replace=False))
    sample = Volunteers(**{name: (value[pick] if isinstance(value, np.ndarray)
                                  else [value[i] for i in pick])
                           for name, value in vols.__dict__.items()})
    sub = engine.Inputs(inputs.needs, sample, inputs.calls, inputs.instruments, inputs.clients,
                        inputs.n_municipalities, codebook=inputs.codebook, grid=inputs.grid)
    started, examined, scored, done = time.perf_counter(), 0, 0, 0
    for n in rows:
        chosen, seen, eligible = naive.greedy_volunteers(sub, [n], Config())
        examined += seen
        scored += eligible
        done += 1
        if time.perf_counter() - started > BASELINE_SECONDS:
            break
    seconds = time.perf_counter() - started
    # Like the engine's figure, count the candidate pairs that passed the hard constraints
    # and were scored; the time includes finding them.
    return {"pairs": scored, "examined": examined, "needs": done, "seconds": round(seconds, 2),
            "pairs_per_s": round(scored / seconds, 1)}


def main(url: str) -> None:
    """Load, match and store everything; print the figures as JSON."""
    SessionFactory.configure(bind=make_engine(url))
    started = time.perf_counter()
    with unit_of_work() as session:
        inputs, places = loader.load_inputs(session, None)
    loaded = time.perf_counter()
    proposals = engine.run(inputs, Config())
    matched = time.perf_counter()
    with unit_of_work() as session:
        stats = matching.store(session, inputs, places, proposals, None, None)
    finished = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs = sum(p.pairs_scored for p in proposals.values())
    greedy = engine.run(inputs, Config(method="greedy"))
    out = {
        "needs": len(inputs.needs), "volunteers": len(inputs.volunteers),
        "calls": len(inputs.calls), "load_s": round(loaded - started, 2),
        "engine_s": round(matched - loaded, 2), "store_s": round(finished - matched, 2),
        "full_rematch_s": round(finished - started, 2), "peak_rss_mib": round(peak, 1),
        "pairs_scored": pairs, "pairs_per_s": round(pairs / (matched - loaded), 1),
        "proposals_written": stats["proposals"],
        "per_kind": {k: int(len(p.need)) for k, p in proposals.items()},
        "flow": spread(inputs, proposals, Config()),
        "greedy": spread(inputs, greedy, Config()),
        "baseline": baseline(inputs),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
