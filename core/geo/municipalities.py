"""The CBS list of Dutch municipalities (2025, with provinces) and PC4 → municipality defaults.

Data beside this file, CC BY 4.0 (see municipalities_nl.LICENSE): show ATTRIBUTION wherever the
list is shown, PC4_ATTRIBUTION where the postcode defaults are.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
ATTRIBUTION = "Bron: CBS"
PC4_ATTRIBUTION = "Bron: CBS, Kadaster"
LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class CbsMunicipality:
    """One municipality of the CBS list."""

    code: str
    name: str
    province_code: str
    province_name: str


@cache
def _list() -> tuple[int, dict[str, CbsMunicipality]]:
    raw = json.loads((HERE / "municipalities_nl.json").read_text(encoding="utf-8"))
    return raw["year"], {m["code"]: CbsMunicipality(m["code"], m["name"], m["province_code"],
                                                    m["province_name"])
                         for m in raw["municipalities"]}


@cache
def _pc4() -> dict[str, str]:
    return json.loads((HERE / "pc4_municipality_nl.json").read_text(encoding="utf-8"))


def year() -> int:
    """The year of the municipal division."""
    return _list()[0]


def all_municipalities() -> list[CbsMunicipality]:
    """Every municipality of the CBS list, by code."""
    return list(_list()[1].values())


def find(code: str) -> CbsMunicipality | None:
    """The CBS entry for a code such as GM0363, or None."""
    return _list()[1].get(code)


def provinces() -> dict[str, str]:
    """Province code → Dutch province name, sorted by name."""
    pairs = {m.province_code: m.province_name for m in all_municipalities()}
    return dict(sorted(pairs.items(), key=lambda item: item[1]))


def province_name(code: str | None) -> str:
    """The Dutch name of a province code (empty when unknown)."""
    return provinces().get(code or "", "")


def for_pc4(pc4: str) -> str | None:
    """The default municipality code for a four-digit postcode, or None."""
    return _pc4().get(pc4)


def pc4_counts() -> dict[str, int]:
    """How many PC4 areas each municipality code holds by default."""
    counts: dict[str, int] = {}
    for code in _pc4().values():
        counts[code] = counts.get(code, 0) + 1
    return counts


def pc4_table() -> dict[str, str]:
    """PC4 → default municipality code, every postcode (for the map's areas)."""
    return dict(_pc4())
