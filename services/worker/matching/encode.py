"""Turn vocabulary codes into bit masks so that overlaps are a single AND per pair."""

from functools import cache, lru_cache

import numpy as np

from db.vocabulary import get_vocabulary


@cache
def code_bits(lens: str) -> dict[str, int]:
    """Bit position of every code of a lens (at most 32 codes per lens)."""
    codes = get_vocabulary().codes(lens)
    if len(codes) > 32:
        raise ValueError(f"lens {lens} has more than 32 codes")
    return {code: i for i, code in enumerate(codes)}


def mask(lens: str, codes) -> int:
    """The bit mask of a list of codes (unknown codes are ignored)."""
    return _mask(lens, tuple(codes) if codes else ())


@lru_cache(maxsize=65536)
def _mask(lens: str, codes: tuple) -> int:
    bits = code_bits(lens)
    out = 0
    for code in codes:
        if code in bits:
            out |= 1 << bits[code]
    return out


def decode(lens: str, value: int) -> list[str]:
    """The codes set in a mask, in vocabulary order."""
    return [code for code, bit in code_bits(lens).items() if value >> bit & 1]


def popcount(values: np.ndarray) -> np.ndarray:
    """Number of set bits per element."""
    return np.bitwise_count(values.astype(np.uint32)).astype(np.float32)


def overlap(want: np.ndarray, have: np.ndarray, neutral: float = 0.5) -> np.ndarray:
    """Share of the wanted bits that the other side has; neutral where nothing is wanted."""
    wanted = popcount(want)
    shared = popcount(want & have)
    return np.where(wanted > 0, shared / np.maximum(wanted, 1), np.float32(neutral))
