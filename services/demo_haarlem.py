"""Fictional demo figures for Haarlem's dashboard: every name says "(demo)" and is made up.

Initiatives, needs, volunteers, matches in every status, follow-up answers, hours, intakes and
grants, spread over Haarlem's postcode areas and the past year, so the staff dashboard shows real
figures above the suppression threshold while small cells still read "<5". Deterministic (a
fixed seed) and loaded once: a second load finds the first demo initiative and adds nothing.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from core import geo
from core.vocabulary import get_vocabulary
from db.models import (
    Fund,
    FundCall,
    Grant,
    HoursLog,
    Initiative,
    Instrument,
    Intake,
    Match,
    Need,
    Volunteer,
)
from db.types import utcnow
from services.initiatives import service as initiatives
from services.initiatives.schemas import InitiativeCreate

HAARLEM = "GM0392"
MARK = "(demo)"
# Busy areas get most initiatives (figures ≥ 5); the last two stay small on purpose ("<5").
AREAS = ["2011", "2012", "2013", "2021", "2031", "2032", "2033", "2034", "2015", "2037"]
WEIGHTS = [6, 6, 5, 5, 6, 5, 4, 3, 1, 1]
WORDS = ["Buurtkeuken", "Taalcafé", "Klussenteam", "Maatjesproject", "Wijkmoestuin",
         "Repair Café", "Ouderensoos", "Jongerenpodium", "Mantelzorgpunt", "Huiswerkklas",
         "Wandelgroep", "Ruilwinkel", "Buurtbus", "Zorgcoöperatie", "Speeltuinvereniging",
         "Lotgenotengroep", "Voedselhulp", "Kookclub"]
PLACES = ["Schalkwijk", "Oost", "Noord", "Centrum", "Zuid-West", "Delftwijk", "Vogelenwijk",
          "Parkwijk", "Garenkokerskwartier", "Rozenprieel"]
THEMES = ["social_cohesion", "elderly_care", "caregiver_support", "day_activities",
          "buddy_mentoring", "youth_networks", "exchange_networks", "talent_development",
          "peer_support"]
THEME_W = [8, 7, 4, 4, 3, 3, 2, 2, 1]
GROUPS = ["elderly", "family", "youth", "jobseeker", "patient"]
GROUP_W = [7, 5, 4, 3, 1]
KINDS = ["volunteers", "expertise", "start_grant", "publicity", "space", "network",
         "structural_funding", "training", "permit"]
KIND_W = [9, 4, 4, 3, 3, 2, 2, 2, 1]
SKILLS = ["cooking", "transport", "language", "gardening", "handyman", "coaching", "events",
          "publicity", "care", "governance"]
DAY_PARTS = ["mon_morning", "tue_afternoon", "wed_morning", "thu_evening", "fri_afternoon",
             "sat_morning"]
# Where the matches of a need end up, in the proportions a busy year might show.
STATUSES = ["done", "done", "done", "active", "active", "approved", "declined", "rejected",
            "proposed", "offered", "approved", "declined"]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def load(session: Session) -> int:
    """Add the demo figures once; returns how many initiatives were added."""
    if session.exec(select(Initiative.id).where(
            Initiative.municipality_code == HAARLEM,
            Initiative.name.like(f"%{MARK}%"))).first() is not None:
        return 0
    rng = random.Random(392)
    today = utcnow().date()
    volunteers = _volunteers(session, rng, today)
    added = []
    for i in range(42):
        added.append(_initiative(session, rng, today, i))
    session.flush()
    _intakes(session, rng, added, today)
    needs = [need for initiative in added for need in initiative.needs]
    _matches(session, rng, needs, volunteers, today)
    _grants(session, rng, added, today)
    session.flush()
    return len(added)


def _volunteers(session: Session, rng: random.Random, today: date) -> list[Volunteer]:
    out = []
    for n in range(1, 41):
        pc4 = rng.choices(AREAS, WEIGHTS)[0]
        place = geo.lookup(pc4)
        volunteer = Volunteer(
            municipality_code=HAARLEM, name=f"Vrijwilliger {n:02d} {MARK}",
            email=f"demo-vrijwilliger-{n:02d}@example.org", pc4=pc4,
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
            skills=rng.sample(SKILLS, 2), themes=sorted(set(rng.choices(THEMES, THEME_W, k=2))),
            availability=rng.sample(DAY_PARTS, 3), hours_per_week=rng.choice([2, 3, 4, 6]),
            radius_km=rng.choice([3, 5, 8]), about="Fictieve vrijwilliger voor de demo.",
            consent_given_at=utcnow(),
            created_at=_at(today - timedelta(days=rng.randint(5, 700))))
        session.add(volunteer)
        out.append(volunteer)
    session.flush()
    return out


def _initiative(session: Session, rng: random.Random, today: date, i: int) -> Initiative:
    vocab = get_vocabulary()
    pc4 = rng.choices(AREAS, WEIGHTS)[0]
    name = f"{WORDS[i % len(WORDS)]} {PLACES[i % len(PLACES)]} {MARK}"
    needs = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        kind = rng.choices(KINDS, KIND_W)[0]
        needs.append({"kind": kind, "title": f"{vocab.label('support_needs', kind)} gezocht",
                      "description": "Fictieve hulpvraag voor de demo van het dashboard.",
                      "amount_eur": rng.choice([500, 1500, 2500]) if "grant" in kind
                      or "funding" in kind else None,
                      "hours_per_week": 2 if kind == "volunteers" else None,
                      "skills": rng.sample(SKILLS, 1) if kind == "volunteers" else []})
    raw = {
        "name": name, "municipality": HAARLEM, "pc4": pc4, "scope": "local",
        "description": "Fictief initiatief, alleen voor de demo van het gemeente-dashboard.",
        "themes": sorted(set(rng.choices(THEMES, THEME_W, k=2))),
        "life_groups": sorted(set(rng.choices(GROUPS, GROUP_W, k=2))),
        "actor_type": rng.choice(vocab.codes("actor_types")),
        "added_value": rng.choice(vocab.codes("added_value")),
        "transformation_role": rng.choice(vocab.codes("transformation_role")),
        "government_relation": rng.choice(vocab.codes("government_relation")),
        "phase": rng.choices(vocab.codes("phases"), [2, 3, 3, 2, 1])[0],
        "threshold": rng.choice(vocab.codes("thresholds")),
        "published": i % 7 != 3, "needs": needs,
    }
    initiative = initiatives.create(session, InitiativeCreate.model_validate(raw))
    initiative.created_at = _at(today - timedelta(days=rng.randint(10, 700)))
    for need in initiative.needs:
        need.created_at = _at(today - timedelta(days=rng.randint(3, 360)))
    return initiative


def _intakes(session: Session, rng: random.Random, added: list[Initiative], today: date):
    scales = get_vocabulary().codes("intake_scales")
    for initiative in added[::2] + added[1::5]:
        session.add(Intake(
            initiative_id=initiative.id, municipality_code=HAARLEM,
            scores={s: rng.randint(2, 9) for s in scales},
            created_at=_at(today - timedelta(days=rng.randint(1, 300)))))


def _resources(session: Session) -> tuple[list[tuple[int, int]], list[int]]:
    calls = session.exec(select(FundCall.fund_id, FundCall.id)
                         .join(Fund, Fund.id == FundCall.fund_id).order_by(FundCall.id)).all()
    instruments = session.exec(select(Instrument.id).where(
        Instrument.municipality_code == HAARLEM).order_by(Instrument.id)).all()
    return list(calls), list(instruments)


def _matches(session: Session, rng: random.Random, needs: list[Need],
             volunteers: list[Volunteer], today: date) -> None:
    calls, instruments = _resources(session)
    for need in needs:
        posted = need.created_at.date()
        pool = rng.sample(volunteers, 3)
        for n in range(rng.choice([0, 1, 1, 2, 2, 3])):
            status = rng.choice(STATUSES)
            if need.kind in ("start_grant", "structural_funding") and calls and n == 0:
                kind, (fund_id, call_id) = "fund", rng.choice(calls)
                resource_id = fund_id
            elif need.kind in ("space", "permit") and instruments and n == 0:
                kind, resource_id, call_id = "instrument", rng.choice(instruments), None
            else:
                kind, resource_id, call_id = "volunteer", pool[n].id, None
            if status == "offered" and kind != "volunteer":
                status = "approved"
            _match(session, rng, need, kind, resource_id, call_id, status, posted, today)
        if need.status == "open" and rng.random() < 0.15:
            need.status = "fulfilled"


def _match(session: Session, rng: random.Random, need: Need, kind: str, resource_id: int,
           call_id: int | None, status: str, posted: date, today: date) -> None:
    span = max((today - posted).days, 1)
    created = posted + timedelta(days=rng.randint(0, min(5, span)))
    decided = created + timedelta(days=rng.randint(1, 4))
    answered = decided + timedelta(days=rng.randint(1, 6))
    match = Match(need_id=need.id, resource_kind=kind, resource_id=resource_id, call_id=call_id,
                  score=round(rng.uniform(0.45, 0.9), 2), status=status,
                  explanation="Fictieve koppeling voor de demo", created_at=_at(created),
                  updated_at=_at(min(answered, today)))
    if status not in ("proposed", "offered"):
        match.decided_at = _at(min(decided, today))
    if status in ("active", "done", "declined") and rng.random() < 0.8:
        match.answered_at = _at(min(answered, today))
    if status in ("active", "done") and (today - answered).days > 14:
        match.follow_up_sent_at = _at(min(answered + timedelta(days=14), today))
    if status == "done":
        match.outcome = "succeeded" if rng.random() < 0.8 else "failed"
        match.outcome_at = _at(min(answered + timedelta(days=rng.randint(15, 40)), today))
    session.add(match)
    session.flush()
    if status in ("active", "done") and kind == "volunteer":
        for week in range(rng.randint(1, 6)):
            on = min(answered + timedelta(days=7 * week + 1), today)
            session.add(HoursLog(match_id=match.id, logged_by="volunteer",
                                 hours=rng.choice([1.5, 2, 2.5, 3, 4]), on_date=on,
                                 note="Fictieve uren (demo)"))


def _grants(session: Session, rng: random.Random, added: list[Initiative], today: date):
    calls = session.exec(select(FundCall).order_by(FundCall.id)).all()
    for initiative in added[:8]:
        call = rng.choice(calls) if calls else None
        amount = rng.choice([750, 1000, 2000])
        if call is None or call.granted_eur + amount > call.budget_eur:
            continue
        call.granted_eur += amount
        session.add(Grant(call_id=call.id, fund_id=call.fund_id, initiative_id=initiative.id,
                          amount_eur=amount,
                          awarded_on=today - timedelta(days=rng.randint(5, 300))))
