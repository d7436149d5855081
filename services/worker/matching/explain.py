"""Reasons as codes with values (core.nl turns them into the Dutch sentence people read)."""

from collections.abc import Callable

import numpy as np

from services.worker.matching.engine import Inputs
from services.worker.matching.model import Proposals


class Book(dict):
    """Reasons shared between proposals, one dict per distinct reason: a national run explains
    ~250,000 proposals with a few thousand reasons, built (and put into words) once each."""

    def reason(self, key: tuple, build: Callable[[], dict]) -> dict:
        found = self.get(key)
        if found is None:
            found = self[key] = build()
        return found


def reasons_for(p: Proposals, inputs: Inputs, municipality_names: list[str],
                province_codes: list[str], i: int) -> list[dict]:
    """Reasons for the i-th chosen pair of a proposal set."""
    return reasons_all(p, inputs, municipality_names, province_codes, Book(), rows=[i])[0]


def reasons_all(p: Proposals, inputs: Inputs, municipality_names: list[str],
                province_codes: list[str], book: Book, rows=None) -> list[list[dict]]:
    """Reasons for every chosen pair (or the given rows), as dicts shared through the book:
    read them, never change them."""
    rows = np.arange(len(p.need)) if rows is None else np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return []
    needs, decode = inputs.needs, inputs.codebook.decode
    n, r = p.need[rows], p.resource[rows]
    out: list[list[dict]] = [[] for _ in range(len(rows))]

    def masked(code: str, lens: str, masks: np.ndarray) -> None:
        for reasons, mask in zip(out, masks.tolist(), strict=True):
            if mask:
                reasons.append(book.reason((code, mask), lambda m=mask: {
                    "code": code, "value": decode(lens, m)}))

    def plain(code: str, values, skip=None) -> None:
        for j, (reasons, value) in enumerate(zip(out, values, strict=True)):
            if skip is None or not skip[j]:
                reasons.append(book.reason((code, value), lambda v=value: {"code": code,
                                                                           "value": v}))

    def km(values: np.ndarray) -> list[float]:
        return np.round(values.astype(np.float64), 1).tolist()

    if p.kind in ("volunteer", "placement"):
        who = inputs.volunteers if p.kind == "volunteer" else inputs.clients
        if p.kind == "volunteer":
            masked("theme", "themes", needs.themes[n] & who.themes[r])
        masked("skills", "skills", needs.skills[n] & who.skills[r])
        distance = p.parts["distance_km"][rows]
        plain("distance_km", km(np.nan_to_num(distance)), skip=np.isnan(distance).tolist())
        shared = needs.availability[n] & who.availability[r]
        masked("availability", "day_parts", np.where(shared != 0, shared, who.availability[r]))
        if p.kind == "placement":
            plain("via_consultant", [True] * len(rows))
    elif p.kind == "fund":
        _fund_reasons(p, inputs, municipality_names, province_codes, book, rows, out, masked,
                      plain)
    elif p.kind == "instrument":
        plain("need_kind", [decode("support_needs", 1 << k)[0] for k in needs.kind[n].tolist()])
        plain("municipality", [municipality_names[m]
                               for m in inputs.instruments.municipality[r].tolist()])
    if "text" in p.parts:
        similarity = p.parts["text"][rows].astype(np.float64)
        plain("text", np.round(similarity, 2).tolist(), skip=(similarity < 0.1).tolist())
    return out


def _fund_reasons(p, inputs, municipality_names, province_codes, book, rows, out, masked,
                  plain) -> None:
    needs, calls = inputs.needs, inputs.calls
    n, r = p.need[rows], p.resource[rows]
    masked("theme", "themes", needs.themes[n] & calls.themes[r])
    masked("life_group", "life_groups", needs.life_groups[n] & calls.life_groups[r])
    regions = []
    for need, call in zip(n.tolist(), r.tolist(), strict=True):
        municipality = needs.municipality[need]
        if calls.national[call]:
            regions.append("NL")
        elif municipality >= 0 and municipality in calls.municipalities[call]:
            regions.append(municipality_names[municipality])
        else:
            # A province stays a code here (PV27); core.nl names it in Dutch for people.
            regions.append(province_codes[needs.province[need]])
    plain("region", regions)
    amounts = needs.amount[n].tolist()
    for reasons, amount, low, high in zip(out, amounts, calls.min_amount[r].tolist(),
                                          calls.max_amount[r].tolist(), strict=True):
        if amount == amount:  # not nan: the need states an amount
            reasons.append(book.reason(("amount", amount, low, high), lambda a=amount, lo=low,
                                       hi=high: {"code": "amount", "value": a,
                                                 "range": [lo, hi]}))
        else:
            reasons.append(book.reason(("amount_missing", high), lambda hi=high: {
                "code": "amount_missing", "value": hi}))
    if calls.closes_on:
        plain("call_closes", [calls.closes_on[c] for c in r.tolist()])
