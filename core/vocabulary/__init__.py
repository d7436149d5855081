"""The controlled vocabulary: codes with Dutch labels, loaded from a versioned file we ship."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

VOCABULARY_FILE = Path(__file__).with_name("koppel-vocabulary.json")

# Lenses of the size buckets live under one key in the source file.
BUCKET_LENSES = {
    "bucket_volunteers": "volunteers",
    "bucket_professionals": "professionals",
    "bucket_people_helped": "people_helped_last_year",
    "bucket_revenue": "revenue_eur",
}


class UnknownCode(ValueError):
    """A code that is not part of a lens; the message is Dutch, for people."""


@dataclass(frozen=True)
class Vocabulary:
    """Read-only access to one version of the vocabulary."""

    version: str
    raw: dict[str, Any]

    def items(self, lens: str) -> list[dict[str, Any]]:
        """The items of a lens, in the file's order."""
        if lens in BUCKET_LENSES:
            return [{"code": b, "nl": b} for b in self.raw["buckets"][BUCKET_LENSES[lens]]]
        return self.raw[lens]["items"]

    def codes(self, lens: str) -> list[str]:
        """All codes of a lens."""
        return [item["code"] for item in self.items(lens)]

    def item(self, lens: str, code: str) -> dict[str, Any]:
        """One item, or UnknownCode."""
        for item in self.items(lens):
            if item["code"] == code:
                return item
        raise UnknownCode(f"onbekende code '{code}'")

    def label(self, lens: str, code: str | None) -> str | None:
        """The Dutch label of a code (None stays None)."""
        if code is None:
            return None
        return self.item(lens, code)["nl"]

    def subtype_codes(self, lens: str, parent: str) -> list[str]:
        """Codes of the subtypes of one item of a lens with subtypes."""
        return [sub["code"] for sub in self.item(lens, parent).get("subtypes", [])]

    def subtype_label(self, lens: str, parent: str | None, code: str | None) -> str | None:
        """The Dutch label of a subtype."""
        if parent is None or code is None:
            return None
        for sub in self.item(lens, parent).get("subtypes", []):
            if sub["code"] == code:
                return sub["nl"]
        raise UnknownCode(f"onbekende subcode '{code}'")

    def check(self, lens: str, code: str) -> str:
        """Return code when it belongs to lens, else raise UnknownCode."""
        self.item(lens, code)
        return code

    def public(self) -> dict[str, Any]:
        """Every lens as codes with Dutch labels, for API clients."""
        lenses: dict[str, Any] = {}
        for key, value in self.raw.items():
            if key.startswith("_") or key in ("version", "buckets"):
                continue
            lenses[key] = [_public_item(item) for item in value["items"]]
        for lens, key in BUCKET_LENSES.items():
            lenses[lens] = [{"code": b, "label": b} for b in self.raw["buckets"][key]]
        return {"version": self.version, "lenses": lenses}


def _public_item(item: dict[str, Any]) -> dict[str, Any]:
    out = {"code": item["code"], "label": item["nl"]}
    if item.get("subtypes"):
        out["subtypes"] = [_public_item(sub) for sub in item["subtypes"]]
    return out


@cache
def get_vocabulary() -> Vocabulary:
    """The shipped vocabulary, loaded once."""
    raw = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return Vocabulary(version=raw["version"], raw=raw)
