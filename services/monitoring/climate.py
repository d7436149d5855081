"""Climate per area: the publication's seven climate functions scored 0–10 per PC4 in SQL."""

from sqlalchemy import case, func, literal
from sqlmodel import Session, select

from core.vocabulary import get_vocabulary
from db.models import Initiative, Instrument, Intake, Match, Need
from services.monitoring.sql import count_cell, in_municipality, share

WEAK, STRONG = 5.0, 7.0
# The rule, as the page prints it. Each function averages the parts that are known for an area.
RULE = [
    "Elke functie krijgt per postcodegebied een cijfer van 0 tot 10: het gemiddelde van de "
    "delen hieronder die voor dat gebied bekend zijn.",
    "Een deel uit de lenzen is 10 × het aandeel initiatieven in het gebied met dat kenmerk.",
    "Een deel uit de intake is het gemiddelde van de laatste intakescore (1–10) per initiatief.",
    "Een deel uit de koppelingen is 10 × het aandeel dat lukte.",
    f"Onder de {WEAK:g} heet een functie zwak; vanaf {STRONG:g} sterk. Bij een zwakke functie "
    "staan de interventies uit de publicatie en de eigen instrumenten van de gemeente.",
]
# Per function: (how it is scored, in Dutch; Dutch interventions; need kinds of instruments
# that help). The publication names interventions for four functions only.
FUNCTIONS = {
    "new_ideas": ("Lenzen: aandeel in ideevorming of opstartfase · intake: vernieuwingskracht",
                  ["Co-creatiesessies met bewoners", "Prijsvragen"], {"publicity", "say"}),
    "knowledge_networks": ("Lenzen: aandeel gidsen en versterkers · intake: meervoudige doelen",
                           ["Netwerkvorming faciliteren"], {"network", "expertise"}),
    "social_entrepreneurship": ("Lenzen: aandeel in rijping, continuïteit of gevestigd · "
                                "intake: gecommitteerd en in staat", ["Coaching"],
                                {"training", "expertise"}),
    "agenda_lobby": ("Lenzen: aandeel dat regels bepaalt of een beweging is · intake: "
                     "politiek profiel", [], {"say", "backing", "policy_change"}),
    "resources": ("Koppelingen: aandeel hulpvragen met een lopende of afgeronde koppeling · "
                  "intake: 11 min afhankelijkheid van doorlopende gemeentelijke steun",
                  ["Startsubsidies", "Maatschappelijk aanbesteden"],
                  {"start_grant", "structural_funding", "space"}),
    "vision_urgency": ("Lenzen: aandeel samen met de overheid · intake: bijdrage aan "
                       "maatschappelijke en gemeentelijke doelen", [],
                       {"backing", "publicity", "policy_change"}),
    "usage": ("Koppelingen: aandeel geslaagd van de beantwoorde nazorgvragen · intake: impact "
              "op de doelgroep", [], {"publicity", "volunteers"}),
}
EARLY, LATER = ("idea", "startup"), ("maturing", "continuity", "established")


def _score(name: str):
    return func.avg(Intake.scores[name].as_float())


def _stats():
    """Per initiative: needs, needs with an accepted match, answered and succeeded follow-ups."""
    return (select(Need.initiative_id.label("iid"),
                   func.count(func.distinct(Need.id)).label("needs"),
                   func.count(func.distinct(case((Match.status.in_(("active", "done")),
                                                  Need.id)))).label("accepted"),
                   func.sum(case((Match.outcome == "succeeded", 1), else_=0)).label("succeeded"),
                   func.sum(case((Match.outcome.is_not(None), 1), else_=0)).label("answered"))
            .select_from(Need).outerjoin(Match, Match.need_id == Need.id)
            .group_by(Need.initiative_id).subquery())


def _ratio(part, whole) -> float | None:
    return None if not whole else 10.0 * float(part or 0) / float(whole)


def _mean(*parts: float | None) -> float | None:
    known = [float(p) for p in parts if p is not None]
    return round(sum(known) / len(known), 1) if known else None


def _scores(row) -> dict[str, float | None]:
    return {
        "new_ideas": _mean(10 * row.early, row.innovation),
        "knowledge_networks": _mean(10 * row.connectors, row.multiple_goals),
        "social_entrepreneurship": _mean(10 * row.later, row.committed),
        "agenda_lobby": _mean(10 * row.movers, row.political),
        "resources": _mean(_ratio(row.accepted, row.needs),
                           None if row.dependence is None else 11 - float(row.dependence)),
        "vision_urgency": _mean(10 * row.together, _mean(row.societal, row.municipal)),
        "usage": _mean(_ratio(row.succeeded, row.answered), row.impact),
    }


def climate_section(session: Session, *, code: str | None) -> dict:
    """Scores per PC4 (per municipality for the whole country) and advice where it is weak."""
    area = Initiative.pc4 if code else Initiative.municipality_code
    latest = (select(func.max(Intake.id).label("id")).group_by(Intake.initiative_id)
              .subquery())
    stats = _stats()
    stmt = (select(
        area.label("area"), func.count(func.distinct(Initiative.id)).label("initiatives"),
        share(Initiative.phase.in_(EARLY)).label("early"),
        share(Initiative.phase.in_(LATER)).label("later"),
        share(Initiative.added_value.in_(("guide", "strengthener"))).label("connectors"),
        share(Initiative.transformation_role.in_(("rule_setter", "movement"))).label("movers"),
        share(Initiative.government_relation.in_(("citizen_led_with_government", "joint"))
              ).label("together"),
        _score("innovation").label("innovation"), _score("multiple_goals").label("multiple_goals"),
        _score("committed_capable").label("committed"),
        _score("political_profile").label("political"),
        _score("needs_municipality_to_continue").label("dependence"),
        _score("societal_goals").label("societal"), _score("municipal_goals").label("municipal"),
        _score("impact").label("impact"),
        func.coalesce(func.sum(stats.c.needs), literal(0)).label("needs"),
        func.coalesce(func.sum(stats.c.accepted), literal(0)).label("accepted"),
        func.coalesce(func.sum(stats.c.succeeded), literal(0)).label("succeeded"),
        func.coalesce(func.sum(stats.c.answered), literal(0)).label("answered"))
        .select_from(Initiative)
        .outerjoin(Intake, (Intake.initiative_id == Initiative.id)
                   & Intake.id.in_(select(latest.c.id)))
        .outerjoin(stats, stats.c.iid == Initiative.id)
        .where(area.is_not(None)).group_by(area).order_by(area))
    vocab = get_vocabulary()
    labels = {item["code"]: item["nl"] for item in vocab.items("climate_functions")}
    areas = []
    for row in session.exec(in_municipality(stmt, code)):
        scores = _scores(row)
        areas.append({"area": row.area, "initiatives": count_cell(row.initiatives),
                      "scores": scores,
                      "weak": [f for f, s in scores.items() if s is not None and s < WEAK]})
    own = []
    if code is not None:
        own = session.exec(select(Instrument.title, Instrument.need_kinds).where(
            Instrument.municipality_code == code, Instrument.active.is_(True))
            .order_by(Instrument.title)).all()
    functions = []
    for fn, (how, interventions, kinds) in FUNCTIONS.items():
        weak_in = [a["area"] for a in areas if fn in a["weak"]]
        functions.append({
            "code": fn, "label": labels[fn], "how": how, "weak_areas": weak_in,
            "average": _mean(*[a["scores"][fn] for a in areas]),
            "interventions": interventions if weak_in else [],
            "own_instruments": [title for title, need_kinds in own
                            if weak_in and kinds.intersection(need_kinds)]})
    return {"level": "pc4" if code else "municipality", "rule": RULE,
            "functions": functions, "areas": areas}
