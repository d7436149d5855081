"""The written labelling rules of quality.json (see README.md beside it), as code.

Stated on the file's plain fields (codes, places, amounts and the hand-set topics), never on the
engine's scores, so tests/test_matching_quality.py can check that every stored label follows
the rules and the engine is measured against them.
"""

from core import geo

PROVINCE_OF = {"GM0392": "PV27", "GM0363": "PV27", "GM0599": "PV28"}


def distance(a: str, b: str) -> float:
    """Kilometres between two PC4 centres."""
    return geo.within_radius(a, 100).get(b, 1e9)


def volunteer_grade(need: dict, vol: dict) -> int:
    """2: has every skill asked and shares the primary theme or lives within 3 km; 1: has
    one of the skills asked (or, when none is asked, shares the primary theme); 0: neither,
    or the volunteer cannot come (out of their radius or never available then)."""
    km = distance(need["pc4"], vol["pc4"])
    if km > min(vol["radius_km"], 25) or vol["hours"] <= 0:
        return 0
    if need["availability"] and not set(need["availability"]) & set(vol["availability"]):
        return 0
    asked, has = set(need["skills"]), set(vol["skills"])
    primary = need["themes"][0] if need["themes"] else None
    shares_primary = primary in vol["themes"]
    if not asked:
        return 1 if shares_primary else 0
    if asked <= has and (shares_primary or km <= 3):
        return 2
    return 1 if asked & has else 0


def fund_ok(need: dict, fund: dict) -> bool:
    """Every hard criterion of the fund (README: region, kind, legal form, phase, amount)."""
    regions = fund["regions"]
    if regions and not ("NL" in regions or need["municipality"] in regions
                        or PROVINCE_OF.get(need["municipality"]) in regions):
        return False
    if fund["need_kinds"] and need["kind"] not in fund["need_kinds"]:
        return False
    if fund["legal_forms"] and need["legal_form"] not in fund["legal_forms"]:
        return False
    if fund["phases"] and need["phase"] not in fund["phases"]:
        return False
    if need["amount"] is None:
        return fund["min_amount"] <= 0
    return fund["min_amount"] <= need["amount"] <= fund["max_amount"]


def fund_grade(need: dict, fund: dict) -> int:
    """2: the fund supports the need's primary theme and either works in the initiative's own
    municipality or province or names one of its life groups; 1: it supports the primary
    theme only, or one of the other themes; 0: no theme in common, or not eligible."""
    if not fund_ok(need, fund):
        return 0
    themes = need["themes"]
    if themes and themes[0] in fund["themes"]:
        regional = any(r != "NL" for r in fund["regions"])
        groups = bool(set(need["life_groups"]) & set(fund["life_groups"]))
        return 2 if regional or groups else 1
    return 1 if set(themes) & set(fund["themes"]) else 0


def instrument_ok(need: dict, inst: dict) -> bool:
    """The initiative's own municipality, a served kind, phases, legal forms, maximum."""
    if inst["municipality"] != need["municipality"] or need["kind"] not in inst["need_kinds"]:
        return False
    if inst["phases"] and need["phase"] not in inst["phases"]:
        return False
    if inst["legal_forms"] and need["legal_form"] not in inst["legal_forms"]:
        return False
    return inst["max_amount"] is None or need["amount"] is None or \
        need["amount"] <= inst["max_amount"]


def instrument_grade(need: dict, inst: dict) -> int:
    """2: made for what the need is about (the same hand-set topic); 1: serves its kind among
    at most two kinds; 0: a catch-all for many kinds, or not eligible."""
    if not instrument_ok(need, inst):
        return 0
    if need["topic"] == inst["topic"]:
        return 2
    return 1 if len(inst["need_kinds"]) <= 2 else 0


GRADERS = {"volunteers": ("volunteers", volunteer_grade), "funds": ("funds", fund_grade),
           "instruments": ("instruments", instrument_grade)}


def labels(data: dict, need: dict) -> dict[str, int]:
    """The grades above zero of every resource of the need's kind."""
    pool, grade = GRADERS[need["resource"]]
    found = {r["id"]: grade(need, r) for r in data[pool]}
    return {rid: g for rid, g in found.items() if g > 0}
