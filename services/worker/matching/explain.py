"""Reasons as codes with values (core.nl turns them into the Dutch sentence people read)."""

import numpy as np

from services.worker.matching.engine import Inputs
from services.worker.matching.model import Proposals


def reasons_for(p: Proposals, inputs: Inputs, municipality_names: list[str],
                province_codes: list[str], i: int) -> list[dict]:
    """Reasons for the i-th chosen pair of a proposal set."""
    needs = inputs.needs
    decode = inputs.codebook.decode
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
        # A province stays a code here (PV27); core.nl names it in Dutch for people.
        out.append({"code": "region", "value": region})
        if not np.isnan(needs.amount[n]):
            out.append({"code": "amount", "value": float(needs.amount[n]),
                        "range": [float(calls.min_amount[r]), float(calls.max_amount[r])]})
        else:
            out.append({"code": "amount_missing", "value": float(calls.max_amount[r])})
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
