"""The hard rules of matching, stated once more on database rows, independently of the engine.

Written from the promises in the README (radius, day parts, a fund's region, need kinds, legal
forms, phases, amount range, open window and remaining budget, an instrument's municipality and
criteria, a client's municipality and restrictions), not from the engine's arrays, so a rule the
loader or the engine forgets is caught on the database path.
"""

import math
from datetime import date

from core import geo
from db.models import (
    Fund,
    FundCall,
    Initiative,
    Instrument,
    Need,
    Offer,
    ParticipationClient,
    Volunteer,
)

PEOPLE_KINDS = {"expertise", "network", "training", "publicity", "volunteers"}
MONEY_KINDS = {"start_grant", "structural_funding", "space"}
INSTRUMENT_KINDS = {"policy_change", "permit", "expertise", "start_grant", "structural_funding",
                    "network", "training", "backing", "say", "publicity", "space"}
MAX_RADIUS_KM = 25.0
CLIENT_RADIUS_KM, CLIENT_NEAR_HOME_KM = 10.0, 3.0


def km(pc4_a: str | None, pc4_b: str | None) -> float | None:
    """Great-circle distance between two PC4 centres, None when either is unknown."""
    a, b = (geo.lookup(p) if p else None for p in (pc4_a, pc4_b))
    if a is None or b is None or a.latitude is None or b.latitude is None:
        return None
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    dphi, dlam = phi2 - phi1, math.radians(b.longitude - a.longitude)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _accepts(allowed: list[str], value: str | None) -> bool:
    """An empty criterion accepts anything; otherwise the value must be listed."""
    return not allowed or value in allowed


def volunteer_ok(need: Need, initiative: Initiative, volunteer: Volunteer) -> bool:
    """A volunteer may be proposed for this need."""
    if need.status != "open" or need.kind not in PEOPLE_KINDS:
        return False
    if volunteer.erased_at is not None or volunteer.hours_per_week <= 0:
        return False
    distance = km(initiative.pc4, volunteer.pc4)
    if distance is None or distance > min(volunteer.radius_km, MAX_RADIUS_KM) + 0.01:
        return False
    return not need.availability or bool(set(need.availability) & set(volunteer.availability))


def fund_ok(need: Need, initiative: Initiative, fund: Fund, call: FundCall, today: date,
            province: str | None) -> bool:
    """A fund may be proposed for this need through this call, today."""
    if need.status != "open" or need.kind not in MONEY_KINDS or not fund.active:
        return False
    if call.fund_id != fund.id or not call.opens_on <= today <= call.closes_on:
        return False
    remaining = call.budget_eur - call.granted_eur
    if remaining <= 0 or not _accepts(fund.need_kinds, need.kind):
        return False
    regions = set(fund.regions)
    if regions and not ("NL" in regions or initiative.municipality_code in regions
                        or (province is not None and province in regions)):
        return False
    if not (_accepts(fund.legal_forms, initiative.legal_form)
            and _accepts(fund.phases, initiative.phase)):
        return False
    if need.amount_eur is None:
        # Without an amount only a fund without a minimum is a possible fit.
        return fund.min_amount_eur <= 0
    ceiling = min(fund.max_amount_eur, call.max_grant_eur or fund.max_amount_eur)
    return fund.min_amount_eur <= need.amount_eur <= min(ceiling, remaining)


def instrument_ok(need: Need, initiative: Initiative, instrument: Instrument) -> bool:
    """A municipal instrument may be proposed for this need."""
    if need.status != "open" or need.kind not in INSTRUMENT_KINDS or not instrument.active:
        return False
    if initiative.municipality_code is None or \
            initiative.municipality_code != instrument.municipality_code:
        return False
    if need.kind not in instrument.need_kinds:
        return False
    if not (_accepts(instrument.phases, initiative.phase)
            and _accepts(instrument.legal_forms, initiative.legal_form)):
        return False
    return instrument.max_amount_eur is None or need.amount_eur is None or \
        need.amount_eur <= instrument.max_amount_eur


def placement_ok(need: Need, initiative: Initiative, offers: list[Offer],
                 client: ParticipationClient) -> bool:
    """A Participatiewet client may be proposed for a place at this initiative."""
    if need.status != "open" or need.kind not in PEOPLE_KINDS:
        return False
    if not any(o.kind == "participation_place" and o.no_paid_work_replaced for o in offers):
        return False
    if client.closed_at is not None or client.erased_at is not None:
        return False
    if client.municipality_code != initiative.municipality_code:
        return False
    distance = km(initiative.pc4, client.pc4)
    limit = CLIENT_NEAR_HOME_KM if "near_home" in client.restrictions else CLIENT_RADIUS_KM
    if distance is not None and distance > limit + 0.01:
        return False
    if need.hours_per_week is not None and need.hours_per_week > client.capacity_hours_per_week:
        return False
    return not ("short_shifts" in client.restrictions and (need.hours_per_week or 0) > 6)
