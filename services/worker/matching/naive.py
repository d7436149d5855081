"""The naive reference: per-pair Python rules and scoring with greedy top-k.

Used as the benchmark's baseline and, in tests, as an independent statement of the hard
constraints that the vectorised engine must never break.
"""

import math

import numpy as np

from services.worker.matching.engine import Inputs
from services.worker.matching.model import Config


def _bit(mask: int, position: int) -> bool:
    return position >= 0 and bool(mask >> position & 1)


def _share(want: int, have: int) -> float:
    wanted = bin(want).count("1")
    return bin(want & have).count("1") / wanted if wanted else 0.5


def _distance(inputs: Inputs, a: int, b: int) -> float:
    return float(inputs.grid.distance_km(np.array([a]), np.array([b]))[0])


def volunteer_ok(inputs: Inputs, n: int, v: int, cfg: Config) -> bool:
    """Every hard rule for a need × volunteer pair."""
    needs, vols = inputs.needs, inputs.volunteers
    if int(needs.kind[n]) not in inputs.codebook.kinds_served("volunteer"):
        return False
    if needs.pc4[n] < 0 or vols.pc4[v] < 0 or vols.hours[v] <= 0:
        return False
    d = _distance(inputs, needs.pc4[n], vols.pc4[v])
    if d > min(float(vols.radius_km[v]), cfg.max_radius_km) + 1e-3:
        return False
    return not (needs.availability[n] and not needs.availability[n] & vols.availability[v])


def volunteer_score(inputs: Inputs, n: int, v: int) -> float:
    """The same weighted score, one pair at a time."""
    needs, vols = inputs.needs, inputs.volunteers
    d = _distance(inputs, needs.pc4[n], vols.pc4[v])
    return (0.35 * _share(int(needs.skills[n]), int(vols.skills[v]))
            + 0.2 * _share(int(needs.themes[n]), int(vols.themes[v]))
            + 0.2 * math.exp(-d / 5.0)
            + 0.15 * _share(int(needs.availability[n]), int(vols.availability[v]))
            + 0.1 * math.exp(-float(vols.idle_days[v]) / 180.0))


def fund_ok(inputs: Inputs, n: int, c: int) -> bool:
    """Every hard rule for a need × call pair."""
    needs, calls = inputs.needs, inputs.calls
    if int(needs.kind[n]) not in inputs.codebook.kinds_served("fund"):
        return False
    if not (calls.open[c] and calls.remaining[c] > 0 and _bit(int(calls.need_kinds[c]),
                                                              int(needs.kind[n]))):
        return False
    in_region = bool(calls.national[c]) or _bit(int(calls.provinces[c]), int(needs.province[n]))
    in_region = in_region or (needs.municipality[n] >= 0
                              and int(needs.municipality[n]) in set(calls.municipalities[c]))
    if not in_region:
        return False
    for criterion, code in ((calls.legal_forms[c], needs.legal_form[n]),
                            (calls.phases[c], needs.phase[n])):
        if criterion and not _bit(int(criterion), int(code)):
            return False
    amount = needs.amount[n]
    if np.isnan(amount):
        # No amount stated: only a fund without a minimum can say yes without knowing it.
        return bool(calls.min_amount[c] <= 0)
    return bool(calls.min_amount[c] <= amount <= calls.max_amount[c]
                and amount <= calls.remaining[c])


def instrument_ok(inputs: Inputs, n: int, i: int) -> bool:
    """Every hard rule for a need × instrument pair."""
    needs, inst = inputs.needs, inputs.instruments
    if int(needs.kind[n]) not in inputs.codebook.kinds_served("instrument"):
        return False
    if needs.municipality[n] < 0 or needs.municipality[n] != inst.municipality[i]:
        return False
    if not _bit(int(inst.need_kinds[i]), int(needs.kind[n])):
        return False
    for criterion, code in ((inst.phases[i], needs.phase[n]),
                            (inst.legal_forms[i], needs.legal_form[n])):
        if criterion and not _bit(int(criterion), int(code)):
            return False
    cap, amount = inst.max_amount[i], needs.amount[n]
    return bool(np.isnan(cap) or np.isnan(amount) or amount <= cap)


def placement_ok(inputs: Inputs, n: int, c: int, cfg: Config) -> bool:
    """Every hard rule for a need × Participatiewet client pair."""
    needs, clients = inputs.needs, inputs.clients
    if int(needs.kind[n]) not in inputs.codebook.kinds_served("placement") or \
            not needs.has_place[n]:
        return False
    if needs.municipality[n] < 0 or needs.municipality[n] != clients.municipality[c]:
        return False
    bits = inputs.codebook.code_bits("client_restrictions")
    restr = int(clients.restrictions[c])
    has = {code for code, bit in bits.items() if restr >> bit & 1}
    if needs.pc4[n] >= 0 and clients.pc4[c] >= 0:
        limit = cfg.client_near_home_km if "near_home" in has else cfg.client_radius_km
        if _distance(inputs, needs.pc4[n], clients.pc4[c]) > limit + 1e-3:
            return False
    n_av, c_av = int(needs.availability[n]), int(clients.availability[c])
    if n_av and c_av and not n_av & c_av:
        return False
    parts = {code: bit for code, bit in inputs.codebook.code_bits("day_parts").items()}
    day_codes = [code for code, bit in parts.items() if n_av >> bit & 1]
    if "no_evenings" in has and day_codes and all(c.endswith("_evening") for c in day_codes):
        return False
    if "no_weekends" in has and day_codes and all(c[:3] in ("sat", "sun") for c in day_codes):
        return False
    hours = needs.hours[n]
    if "short_shifts" in has and not np.isnan(hours) and hours > 6:
        return False
    skill_bits = inputs.codebook.code_bits("skills")
    skills = {code for code, bit in skill_bits.items() if int(needs.skills[n]) >> bit & 1}
    contact = {"care", "events", "company_visits", "escort", "homework_help", "buddy",
               "caregiver_respite", "sport_exercise"}
    for restriction, banned in (("no_heavy_lifting", {"handyman", "gardening", "household"}),
                                ("no_driving", {"transport"}),
                                ("no_customer_contact", contact)):
        if restriction in has and skills & banned:
            return False
    return bool(np.isnan(hours) or clients.capacity_hours[c] >= hours)


def greedy_volunteers(inputs: Inputs, need_rows, cfg: Config) -> tuple[list, int, int]:
    """Per-pair checks and scoring of every volunteer for every need, then top-k: the naive
    baseline. Returns the choices, the pairs examined and the eligible pairs scored."""
    chosen, examined, scored = [], 0, 0
    for n in need_rows:
        scores = []
        for v in range(len(inputs.volunteers)):
            examined += 1
            if volunteer_ok(inputs, n, v, cfg):
                scores.append((volunteer_score(inputs, n, v), v))
        scored += len(scores)
        scores.sort(key=lambda s: (-s[0], s[1]))
        chosen += [(n, v, s) for s, v in scores[:cfg.k["volunteer"]]]
    return chosen, examined, scored
