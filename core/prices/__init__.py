"""The default social price list (sourced reference prices; see price_list.json's items).

Every municipality may replace any amount (services/monitoring/prices.py); these are the starting
point shown with their source, basis and year, never facts about a municipality's budget.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PRICE_FILE = Path(__file__).with_name("price_list.json")
# Dutch words for the units and bases of the list, so no English code reaches a page.
UNITS = {"uur": "per uur", "dagdeel": "per dagdeel", "consult": "per consult",
         "bezoek": "per bezoek", "rit": "per rit", "dag": "per dag", "contact": "per contact",
         "jaar": "per jaar", "maand": "per maand", "beschikking": "per beschikking",
         "delict": "per delict"}
BASES = {
    "replacement cost": "vervangingskosten",
    "market value": "marktwaarde",
    "opportunity cost": "alternatieve kosten",
    "avoided cost (reference price)": "vermeden kosten (referentieprijs)",
    "contract tariff (municipal minimum cost price)": "contracttarief (gemeentelijke kostprijs)",
    "avoided cost (benefit outlay)": "vermeden kosten (uitkering)",
    "avoided cost (municipal execution)": "vermeden kosten (uitvoering gemeente)",
    "statutory benefit level": "wettelijke uitkeringsnorm",
    "avoided cost (societal cost per offence)": "vermeden kosten (maatschappelijk, per delict)",
}


@dataclass(frozen=True)
class PriceItem:
    """One default price with where it comes from."""

    code: str
    label: str
    unit: str
    value_cents: int
    price_year: int
    basis: str
    source: str
    source_short: str
    source_url: str | None


@dataclass(frozen=True)
class PriceList:
    """The default list and its provenance."""

    version: str
    price_year: int
    items: tuple[PriceItem, ...]

    def item(self, code: str) -> PriceItem | None:
        """The item with this code, or None."""
        return next((i for i in self.items if i.code == code), None)


ZIN = "Zorginstituut Nederland, Kostenhandleiding (versie 2024)"
_URL = re.compile(r"https?://[^\s,;)]+")


def _short(source: str) -> str:
    if source.startswith("Kostenhandleiding"):
        return ZIN
    return ", ".join(source.split(", ")[:2])


def _url(source: str) -> str | None:
    found = _URL.search(source)
    return found.group(0).rstrip(".") if found else None


@cache
def default_list() -> PriceList:
    """The sourced default list shipped with Koppel."""
    raw = json.loads(PRICE_FILE.read_text(encoding="utf-8"))
    items = tuple(PriceItem(code=i["code"], label=i["nl"], unit=UNITS.get(i["unit"], i["unit"]),
                            value_cents=round(i["value_eur"] * 100), price_year=i["price_year"],
                            basis=BASES.get(i["basis"], i["basis"]), source=i["source"],
                            source_short=_short(i["source"]), source_url=_url(i["source"]))
                  for i in raw["items"])
    return PriceList(version=raw["version"], price_year=raw["price_year"], items=items)
