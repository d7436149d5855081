"""Candidates and scores for funds (through their open calls) and municipal instruments."""

import numpy as np

from services.worker.matching.encode import overlap
from services.worker.matching.model import Calls, Config, Instruments, Needs
from services.worker.matching.people import same_group

FUND_WEIGHTS = {"themes": 0.4, "life_groups": 0.15, "amount": 0.2, "phase": 0.15, "soon": 0.1}


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
    region = calls.national[None, :] | _bit(calls.provinces, prov)
    region |= np.where((muni >= 0)[:, None], muni_matrix[np.maximum(muni, 0)], False)
    ok = live[None, :] & _bit(calls.need_kinds, needs.kind[rows]) & region
    ok &= _accepts(calls.legal_forms, needs.legal_form[rows])
    ok &= _accepts(calls.phases, needs.phase[rows])
    ok &= np.isnan(amount) | ((amount >= calls.min_amount[None, :])
                              & (amount <= calls.max_amount[None, :])
                              & (amount <= calls.remaining[None, :]))
    ni, call = np.nonzero(ok)
    need = rows[ni]
    mid = (calls.min_amount[call] + calls.max_amount[call]) / 2
    half = np.maximum((calls.max_amount[call] - calls.min_amount[call]) / 2, 1)
    amt = needs.amount[need]
    parts = {
        "themes": overlap(needs.themes[need], calls.themes[call]),
        "life_groups": overlap(needs.life_groups[need], calls.life_groups[call]),
        "amount": np.where(np.isnan(amt), 0.5,
                           1 - 0.5 * np.abs(np.nan_to_num(amt) - mid) / half).astype(np.float32),
        "phase": np.where(calls.phases[call] == 0, 0.5, 1.0).astype(np.float32),
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
    parts = {"phase": np.where(instruments.phases[inst] == 0, 0.5, 1.0).astype(np.float32)}
    return need, inst, (0.6 + 0.2 * parts["phase"]).astype(np.float32), parts
