"""Fit the engine's text weights once per vocabulary version: `uv run python -m bench.text_weights`.

The reference corpus is what ships with the product and does not change from run to run: every
Dutch label of the vocabulary (one document per code) and the demo data's initiatives, needs,
volunteers, funds and instruments. Refit (and commit the file) when the vocabulary gets a new
version; tests/test_matching_quality.py fails while the stored weights are stale.
"""

import json
from pathlib import Path

from core import dutch
from core.vocabulary import get_vocabulary
from services.worker.matching import text

DEMO = Path(__file__).resolve().parents[1] / "db" / "demo"


def _labels(items: list) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, dict) and "nl" in item:
            out.append(item["nl"])
            out += _labels(item.get("subtypes", []))
    return out


def documents() -> list[str]:
    """The normalised reference documents, in a fixed order."""
    vocab = get_vocabulary()
    raw: list[str] = []
    for lens in vocab.raw.values():
        if isinstance(lens, dict) and isinstance(lens.get("items"), list):
            raw += _labels(lens["items"])
    initiatives = json.loads((DEMO / "initiatives.json").read_text(encoding="utf-8"))
    for ini in initiatives["initiatives"]:
        raw.append(" ".join([ini["name"], ini.get("description", "")]))
        raw += [" ".join([n["title"], n.get("description", "")]
                         + [vocab.label("skills", s) for s in n.get("skills", [])])
                for n in ini.get("needs", [])]
    volunteers = json.loads((DEMO / "volunteers.json").read_text(encoding="utf-8"))
    raw += [v.get("about") or "" for v in volunteers["volunteers"]]
    resources = json.loads((DEMO / "resources.json").read_text(encoding="utf-8"))
    raw += [" ".join([f["name"], f.get("description", "")]) for f in resources["funds"]]
    raw += [" ".join([i["title"], i.get("description", "")]) for i in resources["instruments"]]
    return [doc for doc in (dutch.normalise(r) for r in raw) if doc]


def fitted() -> text.TextWeights:
    """Weights fitted on the reference corpus for the shipped vocabulary version."""
    return text.fit(documents(), get_vocabulary().version)


if __name__ == "__main__":
    weights = fitted()
    text.WEIGHTS_FILE.write_text(weights.to_json(), encoding="utf-8")
    print(f"{len(weights.idf)} words from {weights.documents} documents, "
          f"vocabulary {weights.version}")
