"""Candidates and scores for funds (through their open calls) and municipal instruments."""

import numpy as np

from services.worker.matching.encode import popcount
from services.worker.matching.model import Calls, Config, Instruments, Needs
from services.worker.matching.people import open_overlap, same_group, theme_fit

# One scale for every kind of resource (see README "Scores on one scale"): each part is a fit
# from 0 (nothing fits) through 0.5 (nothing known either way) to 1 (all fits), and every kind's
# weights add up to 1, so a score says how well a resource fits, not what kind it is.
FUND_WEIGHTS = {"themes": 0.4, "life_groups": 0.15, "phase": 0.15, "region": 0.15,
                "amount": 0.1, "soon": 0.05}
# A fund for the initiative's own municipality fits better than one for its province, which
# fits better than a national one: an equal fit otherwise goes to the nearer fund.
REGION_FIT = {"municipality": 1.0, "province": 0.75, "national": 0.5}
# An instrument has no themes: its fit is how specific it is to the need (kind, phase, legal
# form, amount). The engine adds 0.2 × text similarity on top, so the parts are scaled to 0.8.
INSTRUMENT_WEIGHTS = {"need_kind": 0.4, "phase": 0.25, "legal_form": 0.2, "amount": 0.15}
INSTRUMENT_SCALE = 0.8


def _bit(masks: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Boolean [row, column]: bit positions[row] is set in masks[column] (-1: never)."""
    safe = np.maximum(positions, 0).astype(np.uint32)
    return ((masks[None, :] >> safe[:, None]) & 1).astype(bool) & (positions >= 0)[:, None]


def _accepts(restriction: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """A criterion mask (0 = no restriction) accepts each row's code (-1 = unknown)."""
    return (restriction == 0)[None, :] | _bit(restriction, positions)


def municipality_matrix(calls: Calls, n_municipalities: int) -> np.ndarray:
    """Boolean [municipality, call]: the call covers that municipality by name."""
    matrix = np.zeros((max(n_municipalities, 1), len(calls)), dtype=bool)
    for c, munis in enumerate(calls.municipalities):
        matrix[munis, c] = True
    return matrix


def fund_pairs(needs: Needs, rows: np.ndarray, calls: Calls, muni_matrix: np.ndarray,
               cfg: Config):
    """Eligible (need, call) pairs for a block of needs: every criterion of fund and call."""
    if len(rows) == 0 or len(calls) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), \
            np.zeros(0, dtype=np.float32), {}
    live = calls.open & (calls.remaining > 0)
    amount = needs.amount[rows][:, None]
    prov, muni = needs.province[rows], needs.municipality[rows]
    by_province = _bit(calls.provinces, prov)
    by_municipality = np.where((muni >= 0)[:, None], muni_matrix[np.maximum(muni, 0)], False)
    region = calls.national[None, :] | by_province | by_municipality
    ok = live[None, :] & _bit(calls.need_kinds, needs.kind[rows]) & region
    ok &= _accepts(calls.legal_forms, needs.legal_form[rows])
    ok &= _accepts(calls.phases, needs.phase[rows])
    # A need without an amount fits only a fund without a minimum: any other fund would have
    # to turn it down once the amount is known; the reason tells the initiative to state one.
    ok &= np.where(np.isnan(amount), (calls.min_amount <= 0)[None, :],
                   (amount >= calls.min_amount[None, :]) & (amount <= calls.max_amount[None, :])
                   & (amount <= calls.remaining[None, :]))
    ni, call = np.nonzero(ok)
    need = rows[ni]
    mid = (calls.min_amount[call] + calls.max_amount[call]) / 2
    half = np.maximum((calls.max_amount[call] - calls.min_amount[call]) / 2, 1)
    amt = needs.amount[need]
    specific = np.where(by_municipality[ni, call], REGION_FIT["municipality"],
                        np.where(by_province[ni, call], REGION_FIT["province"],
                                 REGION_FIT["national"]))
    primary = None if needs.primary_theme is None else needs.primary_theme[need]
    parts = {
        "themes": theme_fit(needs.themes[need], calls.themes[call], primary),
        "life_groups": open_overlap(needs.life_groups[need], calls.life_groups[call]),
        # Inside the range every amount fits; the centre only nudges (never above a region).
        "amount": np.where(np.isnan(amt), 0.5,
                           1 - 0.2 * np.abs(np.nan_to_num(amt) - mid) / half).astype(np.float32),
        "phase": np.where(calls.phases[call] == 0, 0.5, 1.0).astype(np.float32),
        "region": specific.astype(np.float32),
        "soon": np.exp(-calls.closes_in_days[call] / 30.0).astype(np.float32),
    }
    score = sum(w * parts[name] for name, w in FUND_WEIGHTS.items()).astype(np.float32)
    return need, call, score, parts


def instrument_pairs(needs: Needs, rows: np.ndarray, instruments: Instruments):
    """Eligible (need, instrument) pairs: the initiative's own municipality, a served need
    kind, and the instrument's phases, legal forms and maximum amount."""
    rows = rows[needs.municipality[rows] >= 0]
    if len(rows) == 0 or len(instruments) == 0:
        return (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0, dtype=np.float32), {})
    owner, inst = same_group(needs.municipality[rows], instruments.municipality)
    need = rows[owner]

    def accepts(restriction: np.ndarray, position: np.ndarray) -> np.ndarray:
        return (restriction == 0) | ((position >= 0)
                                     & ((restriction >> np.maximum(position, 0).astype(np.uint32))
                                        & 1).astype(bool))

    ok = ((instruments.need_kinds[inst] >> needs.kind[need].astype(np.uint32)) & 1).astype(bool)
    ok &= accepts(instruments.phases[inst], needs.phase[need])
    ok &= accepts(instruments.legal_forms[inst], needs.legal_form[need])
    cap = instruments.max_amount[inst]
    ok &= np.isnan(cap) | np.isnan(needs.amount[need]) | (needs.amount[need] <= cap)
    need, inst = need[ok], inst[ok]
    kinds = popcount(instruments.need_kinds[inst])
    cap = instruments.max_amount[inst]
    parts = {
        # Made for this kind of need alone: 1; one of many kinds: down to 0.5.
        "need_kind": np.clip(1 - (kinds - 1) / 8, 0.5, 1).astype(np.float32),
        "phase": np.where(instruments.phases[inst] == 0, 0.5, 1.0).astype(np.float32),
        "legal_form": np.where(instruments.legal_forms[inst] == 0, 0.5, 1.0).astype(np.float32),
        "amount": np.where(np.isnan(cap) | np.isnan(needs.amount[need]), 0.5, 1.0
                           ).astype(np.float32),
    }
    score = INSTRUMENT_SCALE * sum(w * parts[name] for name, w in INSTRUMENT_WEIGHTS.items())
    return need, inst, score.astype(np.float32), parts
