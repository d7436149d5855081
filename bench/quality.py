"""Ranking quality: precision@5, nDCG@5 and coverage per resource kind on the labelled sets.

`evaluate()` is the first small dev set (volunteers, hand-labelled by a broker);
`evaluate_kinds(split)` is tests/data/quality.json (funds, volunteers and instruments, labelled by
the written rules in tests/data/README.md). `uv run python -m bench.quality` prints both splits.
"""

import json
import math
from pathlib import Path

import numpy as np

from bench import quality_inputs
from core import dutch
from core.vocabulary import get_vocabulary
from services.matching.loader import codebook, pc4_grid
from services.worker.matching import engine
from services.worker.matching.model import (
    Calls,
    Clients,
    Config,
    Instruments,
    Needs,
    Volunteers,
)

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEVSET = DATA / "devset.json"
LABELLED = DATA / "quality.json"
RESOURCE_OF = {"volunteers": "volunteer", "funds": "fund", "instruments": "instrument"}


def _empty_calls() -> Calls:
    z = np.zeros(0)
    return Calls(z.astype(np.int64), z.astype(np.int64), z.astype(np.uint32),
                 z.astype(np.uint32), z.astype(bool), z.astype(np.uint32), [],
                 z.astype(np.uint32), z.astype(np.uint32), z.astype(np.uint32), z, z, z,
                 z.astype(bool), z.astype(np.float32), [])


def inputs_from(data: dict) -> engine.Inputs:
    """Engine inputs for the dev set (volunteers only)."""
    needs, vols = data["needs"], data["volunteers"]
    vocab = get_vocabulary()
    n = len(needs)
    text = [dutch.normalise(" ".join([x["title"], x["description"]]
                                     + [vocab.label("skills", s) for s in x["skills"]]))
            for x in needs]
    need_arrays = Needs(
        ids=np.arange(1, n + 1), kind=np.array([codebook().code_bits("support_needs")[x["kind"]]
                                                for x in needs], dtype=np.int32),
        themes=np.array([codebook().mask("themes", x["themes"]) for x in needs], dtype=np.uint32),
        life_groups=np.zeros(n, dtype=np.uint32),
        skills=np.array([codebook().mask("skills", x["skills"]) for x in needs], dtype=np.uint32),
        availability=np.array([codebook().mask("day_parts", x["availability"]) for x in needs],
                              dtype=np.uint32),
        pc4=pc4_grid().indexes([x["pc4"] for x in needs]),
        municipality=np.full(n, -1, dtype=np.int32), province=np.full(n, -1, dtype=np.int32),
        phase=np.full(n, -1, dtype=np.int32), legal_form=np.full(n, -1, dtype=np.int32),
        amount=np.full(n, np.nan), hours=np.array([x["hours"] for x in needs], dtype=np.float32),
        has_place=np.zeros(n, dtype=bool), text=text)
    volunteers = Volunteers(
        ids=np.arange(1, len(vols) + 1), pc4=pc4_grid().indexes([x["pc4"] for x in vols]),
        radius_km=np.array([x["radius_km"] for x in vols], dtype=np.float32),
        availability=np.array([codebook().mask("day_parts", x["availability"]) for x in vols],
                              dtype=np.uint32),
        skills=np.array([codebook().mask("skills", x["skills"]) for x in vols], dtype=np.uint32),
        themes=np.array([codebook().mask("themes", x["themes"]) for x in vols], dtype=np.uint32),
        hours=np.array([x["hours"] for x in vols], dtype=np.float32),
        idle_days=np.array([x["idle_days"] for x in vols], dtype=np.float32),
        text=[dutch.normalise(x["about"]) for x in vols])
    z = np.zeros(0)
    instruments = Instruments(z.astype(np.int64), z.astype(np.int32), z.astype(np.uint32),
                              z.astype(np.uint32), z.astype(np.uint32), z, [])
    clients = Clients(z.astype(np.int64), z.astype(np.int32), z.astype(np.int32),
                      z.astype(np.uint32), z.astype(np.uint32), z.astype(np.uint32),
                      z.astype(np.float32))
    return engine.Inputs(need_arrays, volunteers, _empty_calls(), instruments, clients, 0,
                         codebook=codebook(), grid=pc4_grid())


def evaluate(path: Path = DEVSET, k: int = 5) -> dict:
    """Mean precision@k and nDCG@k of the engine's top-k against the broker's labels."""
    data = json.loads(path.read_text(encoding="utf-8"))
    inputs = inputs_from(data)
    result = engine.run(inputs, Config(method="greedy"))["volunteer"]
    vol_ids = [v["id"] for v in data["volunteers"]]
    precision, ndcg = [], []
    for row, need in enumerate(data["needs"]):
        ranked = ranking(result, row, vol_ids)[:k]
        p, g = scores(ranked, need["relevant"], k)
        precision.append(p)
        ndcg.append(g)
    return {"precision5": round(float(np.mean(precision)), 3),
            "ndcg5": round(float(np.mean(ndcg)), 3), "needs": len(data["needs"])}


def ranking(result, row: int, ids: list[str]) -> list[str]:
    """The resources proposed for one need, best first."""
    picked = result.need == row
    order = np.argsort(-result.score[picked], kind="stable")
    return [ids[i] for i in result.resource[picked][order]]


def scores(ranked: list[str], grades: dict[str, int], k: int) -> tuple[float, float]:
    """Precision@k (share of the top k with a grade above 0) and nDCG@k (gain 2^grade - 1)."""
    precision = sum(1 for v in ranked[:k] if v in grades) / k
    dcg = sum((2 ** grades.get(v, 0) - 1) / math.log2(i + 2) for i, v in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return precision, (dcg / idcg if idcg else 0.0)


def evaluate_kinds(split: str = "dev", path: Path = LABELLED, k: int = 5) -> dict:
    """Per resource kind on one split of the labelled set: precision@k, nDCG@k and coverage
    (share of its needs that get at least one proposal of that kind)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    inputs = quality_inputs.inputs_from(data)
    cfg = Config(method="greedy", k={"volunteer": k, "fund": k, "instrument": k,
                                     "placement": k})
    result = engine.run(inputs, cfg)
    out = {}
    for pool, kind in RESOURCE_OF.items():
        ids = [r["id"] for r in data[pool]]
        precision, ndcg, covered = [], [], []
        for row, need in enumerate(data["needs"]):
            if need["resource"] != pool or need["split"] != split:
                continue
            ranked = ranking(result[kind], row, ids)
            p, g = scores(ranked, need["relevant"], k)
            precision.append(p)
            ndcg.append(g)
            covered.append(bool(ranked))
        out[pool] = {"precision5": round(float(np.mean(precision)), 3),
                     "ndcg5": round(float(np.mean(ndcg)), 3),
                     "coverage": round(float(np.mean(covered)), 3), "needs": len(ndcg)}
    return out


def bench_keys() -> dict:
    """The BENCH line's quality keys, on the dev split."""
    found = evaluate_kinds("dev")
    keys = {}
    for pool, figures in found.items():
        keys[f"ndcg5_dev_{pool}"] = figures["ndcg5"]
        keys[f"precision5_dev_{pool}"] = figures["precision5"]
        keys[f"coverage_dev_{pool}"] = figures["coverage"]
    return keys


if __name__ == "__main__":
    print("first dev set (volunteers):", evaluate())
    for split in ("dev", "test"):
        print(split, json.dumps(evaluate_kinds(split)))
