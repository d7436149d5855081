"""Turn vocabulary codes into bit masks so that overlaps are a single AND per pair."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Codebook:
    """The codes the engine compares, as bit positions per lens, and which need kinds (as bit
    positions in support_needs) each kind of resource can serve. Built by the caller from the
    vocabulary, so the engine itself never reads it."""

    bits: Mapping[str, Mapping[str, int]]
    serves: Mapping[str, frozenset[int]]
    _masks: dict = field(default_factory=dict, compare=False, repr=False)
    _decoded: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, lenses: Mapping[str, Sequence[str]],
              serves: Mapping[str, Iterable[str]]) -> "Codebook":
        """From the codes of each lens (at most 32) and the need kinds each resource serves."""
        bits = {}
        for lens, codes in lenses.items():
            if len(codes) > 32:
                raise ValueError(f"lens {lens} has more than 32 codes")
            bits[lens] = {code: i for i, code in enumerate(codes)}
        kinds = bits["support_needs"]
        return cls(bits, {resource: frozenset(kinds[c] for c in codes)
                          for resource, codes in serves.items()})

    def code_bits(self, lens: str) -> Mapping[str, int]:
        """Bit position of every code of a lens."""
        return self.bits[lens]

    def bit(self, lens: str, code: str | None) -> int:
        """The bit position of one code, -1 for none or an unknown one."""
        return self.bits[lens].get(code, -1) if code else -1

    def mask(self, lens: str, codes) -> int:
        """The bit mask of a list of codes (unknown codes are ignored)."""
        key = (lens, tuple(codes) if codes else ())
        found = self._masks.get(key)
        if found is None:
            bits = self.bits[lens]
            found = 0
            for code in key[1]:
                if code in bits:
                    found |= 1 << bits[code]
            self._masks[key] = found
        return found

    def decode(self, lens: str, value: int) -> list[str]:
        """The codes set in a mask, in vocabulary order."""
        key = (lens, value)
        found = self._decoded.get(key)
        if found is None:
            # A national run explains ~250,000 proposals from a few thousand distinct masks.
            found = self._decoded[key] = tuple(code for code, bit in self.bits[lens].items()
                                               if value >> bit & 1)
        return list(found)

    def kinds_served(self, resource: str) -> frozenset[int]:
        """Bit positions of the need kinds a kind of resource can serve."""
        return self.serves[resource]


def popcount(values: np.ndarray) -> np.ndarray:
    """Number of set bits per element."""
    return np.bitwise_count(values.astype(np.uint32)).astype(np.float32)


def overlap(want: np.ndarray, have: np.ndarray, neutral: float = 0.5) -> np.ndarray:
    """Share of the wanted bits that the other side has; neutral where nothing is wanted."""
    wanted = popcount(want)
    shared = popcount(want & have)
    return np.where(wanted > 0, shared / np.maximum(wanted, 1), np.float32(neutral))
