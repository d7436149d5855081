"""Reasons as codes with values, and the Dutch sentence people read."""

import numpy as np

from db.vocabulary import get_vocabulary
from services.worker.matching.encode import decode
from services.worker.matching.engine import Inputs
from services.worker.matching.model import Proposals

DAY_NAMES = ["ma", "di", "wo", "do", "vr", "za", "zo"]


def _euro(value: float) -> str:
    return "€ " + f"{int(round(value)):,}".replace(",", ".")


def _km(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " km"


def _days(parts: list[str]) -> str:
    days = []
    for part in parts:
        day = DAY_NAMES[["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(part[:3])]
        if day not in days:
            days.append(day)
    return " en ".join([", ".join(days[:-1]), days[-1]]) if len(days) > 1 else days[0]


def _labels(lens: str, codes: list[str]) -> str:
    vocab = get_vocabulary()
    return ", ".join(vocab.label(lens, c) for c in codes)


def sentence(reasons: list[dict]) -> str:
    """The Dutch explanation of a match, e.g. 'Past bij thema … · 2,4 km · beschikbaar di'."""
    out = []
    for reason in reasons:
        code, value = reason["code"], reason["value"]
        if code == "theme":
            out.append(f"Past bij thema {_labels('themes', value[:2])}")
        elif code == "life_group":
            out.append(f"voor {_labels('life_groups', value).lower()}")
        elif code == "skills":
            out.append(f"kan {_labels('skills', value).lower()}")
        elif code == "distance_km":
            out.append(_km(value))
        elif code == "availability":
            out.append(f"beschikbaar {_days(value)}")
        elif code == "region":
            out.append("landelijk fonds" if value == "NL" else f"werkgebied {value}")
        elif code == "amount":
            low, high = reason["range"]
            out.append(f"bedrag {_euro(value)} past ({_euro(low)}–{_euro(high)})")
        elif code == "call_closes":
            y, m, d = value.split("-")
            out.append(f"ronde sluit {d}-{m}-{y}")
        elif code == "need_kind":
            out.append(f"regeling voor {get_vocabulary().label('support_needs', value).lower()}")
        elif code == "municipality":
            out.append(f"gemeente {value}")
        elif code == "text":
            out.append("omschrijving lijkt op de vraag")
        elif code == "via_consultant":
            out.append("kandidaat via consulent")
    return " · ".join(out)


def reasons_for(p: Proposals, inputs: Inputs, municipality_names: list[str],
                province_codes: list[str], i: int) -> list[dict]:
    """Reasons for the i-th chosen pair of a proposal set."""
    needs = inputs.needs
    n, r = p.need[i], p.resource[i]
    out: list[dict] = []
    text_sim = float(p.parts["text"][i]) if "text" in p.parts else 0.0
    if p.kind == "volunteer":
        vols = inputs.volunteers
        shared = int(needs.themes[n] & vols.themes[r])
        if shared:
            out.append({"code": "theme", "value": decode("themes", shared)})
        skills = int(needs.skills[n] & vols.skills[r])
        if skills:
            out.append({"code": "skills", "value": decode("skills", skills)})
        out.append({"code": "distance_km", "value": round(float(p.parts["distance_km"][i]), 1)})
        avail = int(needs.availability[n] & vols.availability[r]) or int(vols.availability[r])
        if avail:
            out.append({"code": "availability", "value": decode("day_parts", avail)})
    elif p.kind == "placement":
        clients = inputs.clients
        skills = int(needs.skills[n] & clients.skills[r])
        if skills:
            out.append({"code": "skills", "value": decode("skills", skills)})
        if not np.isnan(p.parts["distance_km"][i]):
            out.append({"code": "distance_km",
                        "value": round(float(p.parts["distance_km"][i]), 1)})
        avail = int(needs.availability[n] & clients.availability[r]) or \
            int(clients.availability[r])
        if avail:
            out.append({"code": "availability", "value": decode("day_parts", avail)})
        out.append({"code": "via_consultant", "value": True})
    elif p.kind == "fund":
        calls = inputs.calls
        shared = int(needs.themes[n] & calls.themes[r])
        if shared:
            out.append({"code": "theme", "value": decode("themes", shared)})
        groups = int(needs.life_groups[n] & calls.life_groups[r])
        if groups:
            out.append({"code": "life_group", "value": decode("life_groups", groups)})
        if calls.national[r]:
            region = "NL"
        elif needs.municipality[n] >= 0 and needs.municipality[n] in calls.municipalities[r]:
            region = municipality_names[needs.municipality[n]]
        else:
            region = province_codes[needs.province[n]]
        out.append({"code": "region", "value": region})
        if not np.isnan(needs.amount[n]):
            out.append({"code": "amount", "value": float(needs.amount[n]),
                        "range": [float(calls.min_amount[r]), float(calls.max_amount[r])]})
        if calls.closes_on:
            out.append({"code": "call_closes", "value": calls.closes_on[r]})
    elif p.kind == "instrument":
        kind = decode("support_needs", 1 << int(needs.kind[n]))[0]
        out.append({"code": "need_kind", "value": kind})
        out.append({"code": "municipality",
                    "value": municipality_names[inputs.instruments.municipality[r]]})
    if text_sim >= 0.1:
        out.append({"code": "text", "value": round(text_sim, 2)})
    return out
