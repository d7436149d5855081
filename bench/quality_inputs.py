"""Engine arrays for the labelled set tests/data/quality.json, built the way the loader does."""

import numpy as np

from core import dutch
from core.vocabulary import get_vocabulary
from services.matching.loader import codebook, pc4_grid
from services.worker.matching import engine
from services.worker.matching.model import Calls, Clients, Instruments, Needs, Volunteers


def _mask(lens: str, codes: list[str]) -> int:
    return codebook().mask(lens, codes)


def _masks(lens: str, rows: list[dict], key: str) -> np.ndarray:
    return np.array([_mask(lens, r[key]) for r in rows], dtype=np.uint32)


def _need_text(need: dict) -> str:
    vocab = get_vocabulary()
    words = [need["title"], need["description"], vocab.label("support_needs", need["kind"])]
    return dutch.normalise(" ".join(words + [vocab.label("skills", s) for s in need["skills"]]))


def inputs_from(data: dict) -> engine.Inputs:
    """Every need and every resource of the labelled set as one engine run."""
    codes, vocab = codebook(), get_vocabulary()
    munis = sorted(data["municipalities"])
    provinces = sorted({m["province"] for m in data["municipalities"].values()})
    muni_index = {c: i for i, c in enumerate(munis)}
    prov_index = {c: i for i, c in enumerate(provinces)}
    needs = data["needs"]
    n = len(needs)
    need_arrays = Needs(
        ids=np.arange(1, n + 1),
        kind=np.array([codes.bit("support_needs", x["kind"]) for x in needs], dtype=np.int32),
        themes=_masks("themes", needs, "themes"),
        life_groups=_masks("life_groups", needs, "life_groups"),
        skills=_masks("skills", needs, "skills"),
        availability=_masks("day_parts", needs, "availability"),
        pc4=pc4_grid().indexes([x["pc4"] for x in needs]),
        municipality=np.array([muni_index[x["municipality"]] for x in needs], dtype=np.int32),
        province=np.array([prov_index[data["municipalities"][x["municipality"]]["province"]]
                           for x in needs], dtype=np.int32),
        phase=np.array([codes.bit("phases", x["phase"]) for x in needs], dtype=np.int32),
        legal_form=np.array([codes.bit("legal_forms", x["legal_form"]) for x in needs],
                            dtype=np.int32),
        amount=np.array([np.nan if x["amount"] is None else x["amount"] for x in needs]),
        hours=np.array([x["hours"] for x in needs], dtype=np.float32),
        has_place=np.zeros(n, dtype=bool), text=[_need_text(x) for x in needs],
        primary_theme=np.array([codes.bit("themes", (x["themes"] or [None])[0])
                                for x in needs], dtype=np.int32))
    vols = data["volunteers"]
    volunteers = Volunteers(
        ids=np.arange(1, len(vols) + 1), pc4=pc4_grid().indexes([x["pc4"] for x in vols]),
        radius_km=np.array([x["radius_km"] for x in vols], dtype=np.float32),
        availability=_masks("day_parts", vols, "availability"),
        skills=_masks("skills", vols, "skills"), themes=_masks("themes", vols, "themes"),
        hours=np.array([x["hours"] for x in vols], dtype=np.float32),
        idle_days=np.array([x["idle_days"] for x in vols], dtype=np.float32),
        text=[dutch.normalise(x["about"]) for x in vols])
    funds = data["funds"]
    every_kind = codes.mask("support_needs", list(codes.code_bits("support_needs")))
    calls = Calls(
        fund_ids=np.arange(1, len(funds) + 1), call_ids=np.arange(1, len(funds) + 1),
        themes=_masks("themes", funds, "themes"),
        life_groups=_masks("life_groups", funds, "life_groups"),
        national=np.array([not f["regions"] or "NL" in f["regions"] for f in funds]),
        provinces=np.array([sum(1 << prov_index[r] for r in f["regions"] if r in prov_index)
                            for f in funds], dtype=np.uint32),
        municipalities=[np.array([muni_index[r] for r in f["regions"] if r in muni_index],
                                 dtype=np.int64) for f in funds],
        need_kinds=np.array([_mask("support_needs", f["need_kinds"]) or every_kind
                             for f in funds], dtype=np.uint32),
        legal_forms=_masks("legal_forms", funds, "legal_forms"),
        phases=_masks("phases", funds, "phases"),
        min_amount=np.array([f["min_amount"] for f in funds], dtype=np.float64),
        max_amount=np.array([f["max_amount"] for f in funds], dtype=np.float64),
        remaining=np.full(len(funds), 1e6), open=np.ones(len(funds), dtype=bool),
        closes_in_days=np.array([f["closes_in_days"] for f in funds], dtype=np.float32),
        text=[dutch.normalise(" ".join([f["name"], f["description"]]
                                       + [vocab.label("themes", t) for t in f["themes"]]
                                       + [vocab.label("support_needs", k)
                                          for k in f["need_kinds"]])) for f in funds])
    insts = data["instruments"]
    instruments = Instruments(
        ids=np.arange(1, len(insts) + 1),
        municipality=np.array([muni_index[i["municipality"]] for i in insts], dtype=np.int32),
        need_kinds=_masks("support_needs", insts, "need_kinds"),
        phases=_masks("phases", insts, "phases"),
        legal_forms=_masks("legal_forms", insts, "legal_forms"),
        max_amount=np.array([np.nan if i["max_amount"] is None else i["max_amount"]
                             for i in insts], dtype=np.float64),
        text=[dutch.normalise(" ".join([i["title"], i["description"]]
                                       + [vocab.label("support_needs", k)
                                          for k in i["need_kinds"]])) for i in insts])
    z = np.zeros(0)
    clients = Clients(z.astype(np.int64), z.astype(np.int32), z.astype(np.int32),
                      z.astype(np.uint32), z.astype(np.uint32), z.astype(np.uint32),
                      z.astype(np.float32))
    return engine.Inputs(need_arrays, volunteers, calls, instruments, clients, len(munis),
                         codebook=codebook(), grid=pc4_grid())
