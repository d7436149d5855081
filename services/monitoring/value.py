"""Social value: logged hours capitalised with the municipality's price list.

The rule (also on the page): every logged hour counts under the initiative's first theme. An hour
for an initiative whose first theme is "Ondersteuning mantelzorg" is priced as an hour of informal
care; every other hour as an hour of volunteering. Both are replacement costs, so they add up;
the other items of the list (avoided care, benefits) are outcomes Koppel does not record, and are
never added to this total.
"""

from sqlalchemy import and_, func
from sqlmodel import Session, select

from core import nl
from core.prices import default_list
from core.privacy import suppressed
from db.models import HoursLog, Initiative, InitiativeLabel, Match, Need
from services.monitoring import prices

VOLUNTEER_HOUR = "volunteer_hour"
CARE_HOUR = "informal_care_hour"
# The first theme that makes an hour an hour of informal care (respite for a carer).
CARE_THEMES = frozenset({"caregiver_support"})
HOUR_ITEMS = frozenset({VOLUNTEER_HOUR, CARE_HOUR})
RULE = ("Elk gelogd uur telt bij het eerste thema van het initiatief. Is dat thema "
        "‘Ondersteuning mantelzorg’, dan geldt de prijs van een uur mantelzorg; anders die van "
        "een uur vrijwillige inzet. Beide zijn vervangingskosten: wat het kost om het werk door "
        "een ander te laten doen. Het is geen geld dat de gemeente terugkrijgt.")
NO_THEME = "Zonder thema"


def item_for(theme: str | None) -> str:
    """The price-list item an hour is priced with, by the initiative's first theme."""
    return CARE_HOUR if theme in CARE_THEMES else VOLUNTEER_HOUR


def _first_themes():
    first = (select(InitiativeLabel.initiative_id, func.min(InitiativeLabel.position).label("pos"))
             .where(InitiativeLabel.lens == "themes").group_by(InitiativeLabel.initiative_id)
             .subquery())
    return (select(InitiativeLabel.initiative_id, func.min(InitiativeLabel.code).label("theme"))
            .join(first, and_(first.c.initiative_id == InitiativeLabel.initiative_id,
                              first.c.pos == InitiativeLabel.position))
            .where(InitiativeLabel.lens == "themes").group_by(InitiativeLabel.initiative_id)
            .subquery())


def _hours(session: Session, code: str | None):
    """Hours per (initiative, person who gave them), summed in SQL."""
    theme = _first_themes()
    stmt = (select(Initiative.id, Initiative.name, Initiative.municipality_code, theme.c.theme,
                   Match.resource_kind, Match.resource_id, func.sum(HoursLog.hours))
            .select_from(HoursLog).join(Match, Match.id == HoursLog.match_id)
            .join(Need, Need.id == Match.need_id)
            .join(Initiative, Initiative.id == Need.initiative_id)
            .join(theme, theme.c.initiative_id == Initiative.id, isouter=True)
            .group_by(Initiative.id, Initiative.name, Initiative.municipality_code, theme.c.theme,
                      Match.resource_kind, Match.resource_id))
    if code is not None:
        stmt = stmt.where(Initiative.municipality_code == code)
    return session.exec(stmt).all()


def _price_rows(session: Session, code: str | None) -> list[dict]:
    if code is None:
        listed = [(item, item.value_cents) for item in default_list().items]
    else:
        listed = [(p.item, p.value_cents) for p in prices.current(session, code)]
    return [{"item": item.code, "label": item.label, "unit": item.unit,
             "value_eur": cents / 100, "default_eur": item.value_cents / 100,
             "is_default": cents == item.value_cents, "price_year": item.price_year,
             "basis": item.basis, "source": item.source_short, "source_url": item.source_url}
            for item, cents in listed]


def _row(bucket: dict) -> dict:
    return {"hours": round(bucket["hours"], 2), "value_eur": round(bucket["value"], 2),
            "people": suppressed(len(bucket["people"]))}


def value_section(session: Session, *, code: str | None) -> dict:
    """The dashboard's "value" section for one municipality (code) or all (None)."""
    in_force = prices.cents_for(session, [code] if code else None, set(HOUR_ITEMS))
    defaults = {c: default_list().item(c).value_cents for c in HOUR_ITEMS}
    themes: dict[str | None, dict] = {}
    initiatives: dict[int, dict] = {}
    activities: dict[str, dict] = {}
    people: set = set()
    total_hours = total_value = 0.0
    for init_id, name, municipality, theme, kind, resource_id, hours in _hours(session, code):
        hours = float(hours or 0)
        item = item_for(theme)
        cents = in_force.get((municipality, item), defaults[item])
        value = hours * cents / 100
        person = (kind, resource_id)
        for bucket in (themes.setdefault(theme, {"hours": 0.0, "value": 0.0, "people": set()}),
                       initiatives.setdefault(init_id, {"name": name, "hours": 0.0, "value": 0.0,
                                                        "people": set(), "theme": theme}),
                       activities.setdefault(item, {"hours": 0.0, "value": 0.0, "people": set(),
                                                    "cents": set()})):
            bucket["hours"] += hours
            bucket["value"] += value
            bucket["people"].add(person)
        activities[item]["cents"].add(cents)
        people.add(person)
        total_hours += hours
        total_value += value
    labels = {item.code: item.label for item in default_list().items}
    by_activity = [{"item": item, "label": labels[item],
                    # One price for a municipality; across municipalities they may differ.
                    "price_eur": (next(iter(b["cents"])) / 100 if len(b["cents"]) == 1 else None),
                    **_row(b)} for item, b in sorted(activities.items())]
    by_theme = sorted(({"theme": theme, "label": nl.label("themes", theme) if theme else NO_THEME,
                        **_row(b)} for theme, b in themes.items()),
                      key=lambda r: (-r["value_eur"], r["label"]))
    by_initiative = sorted(({"id": init_id, "name": b["name"],
                             "theme": b["theme"], **_row(b)}
                            for init_id, b in initiatives.items()),
                           key=lambda r: (-r["value_eur"], r["name"]))
    price_list = default_list()
    return {"municipality": code, "total_eur": round(total_value, 2),
            "total_hours": round(total_hours, 2), "people": suppressed(len(people)),
            "rule": RULE, "by_activity": by_activity, "by_theme": by_theme,
            "by_initiative": by_initiative, "prices": _price_rows(session, code),
            "source": {"version": price_list.version, "price_year": price_list.price_year,
                       "note": ("Standaardbedragen uit een lijst met bronnen (vooral de "
                                "Kostenhandleiding van het Zorginstituut, prijspeil "
                                f"{price_list.price_year}); de gemeente kan elk bedrag "
                                "vervangen door haar eigen tarief.")}}
