"""Dutch for people: amounts, numbers, dates, hours, distances, day parts and match reasons.

Every page and e-mail renders through these (the web's Jinja filters call them), so no code,
`4.0` or Python list reaches a reader.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.provinces import PROVINCES
from core.vocabulary import UnknownCode, get_vocabulary

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAYS = {"mon": "ma", "tue": "di", "wed": "wo", "thu": "do", "fri": "vr", "sat": "za", "sun": "zo"}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 → '1.234,5'; whole numbers lose their ',0' (so 4.0 reads '4')."""
    if value is None:
        return ""
    if decimals and float(value) != int(value):
        text = f"{float(value):,.{decimals}f}"
    else:
        text = f"{round(float(value)):,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def euro(value: float | int | None) -> str:
    """€ 2.500"""
    return "" if value is None else f"€ {number(value)}"


def km(value: float | None) -> str:
    """2,4 km (always one decimal: distances read as measured)."""
    return "" if value is None else f"{value:.1f}".replace(".", ",") + " km"


def hours(value: float | None) -> str:
    """'2,5 uur', '1 uur'."""
    return "" if value is None else f"{number(value, 1)} uur"


def day(value: date | datetime | str | None, *, long: bool = False) -> str:
    """A date as 02-12-2026 (or '2 december 2026'); timestamps in Dutch time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(AMSTERDAM).date()
    if long:
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d-%m-%Y")


def moment(value: datetime | None) -> str:
    """A timestamp as '02-12-2026 14:05' in Dutch time."""
    if value is None:
        return ""
    return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def label(lens: str, code: str | None) -> str:
    """The Dutch label of a vocabulary code; an unknown code shows as itself, never an error."""
    if code is None or code == "":
        return ""
    try:
        return get_vocabulary().label(lens, code)
    except UnknownCode:
        return str(code)


def labels(lens: str, codes) -> str:
    """Labels of several codes, joined with commas."""
    return ", ".join(label(lens, code) for code in codes or ())


def day_parts(parts: list[str]) -> str:
    """['tue_morning', 'thu_afternoon'] → 'di en do'."""
    days: list[str] = []
    for part in parts:
        name = DAYS.get(part[:3], part)
        if name not in days:
            days.append(name)
    if len(days) > 1:
        return " en ".join([", ".join(days[:-1]), days[-1]])
    return days[0] if days else ""


def region(value: str) -> str:
    """A fund's area in words: 'landelijk fonds', 'werkgebied provincie Noord-Holland'."""
    if value == "NL":
        return "landelijk fonds"
    if value in PROVINCES:
        return f"werkgebied provincie {PROVINCES[value]}"
    return f"werkgebied gemeente {value}"


def explain(reasons: list[dict]) -> str:
    """The Dutch explanation of a match, e.g. 'Past bij thema … · 2,4 km · beschikbaar di'."""
    out = []
    for reason in reasons:
        code, value = reason["code"], reason["value"]
        if code == "theme":
            out.append(f"Past bij thema {labels('themes', value[:2])}")
        elif code == "life_group":
            out.append(f"voor {labels('life_groups', value).lower()}")
        elif code == "skills":
            out.append(f"kan {labels('skills', value).lower()}")
        elif code == "distance_km":
            out.append(km(value))
        elif code == "availability":
            out.append(f"beschikbaar {day_parts(value)}")
        elif code == "region":
            out.append(region(value))
        elif code == "amount":
            low, high = reason["range"]
            out.append(f"bedrag {euro(value)} past ({euro(low)}–{euro(high)})")
        elif code == "amount_missing":
            out.append(f"geen bedrag genoemd; dit fonds geeft tot {euro(value)}")
        elif code == "call_closes":
            out.append(f"ronde sluit {day(value)}")
        elif code == "need_kind":
            out.append(f"regeling voor {label('support_needs', value).lower()}")
        elif code == "municipality":
            out.append(f"gemeente {value}")
        elif code == "text":
            out.append("omschrijving lijkt op de vraag")
        elif code == "via_consultant":
            out.append("kandidaat via consulent")
    return " · ".join(out)


# The Jinja filters pages and e-mails share: `{{ code|label("themes") }}`, `{{ 2500|euro }}` …
FILTERS = {
    "label": lambda code, lens: label(lens, code),
    "labels": lambda codes, lens: labels(lens, codes),
    "euro": euro,
    "getal": number,
    "procent": lambda share: f"{number((share or 0) * 100)}%",
    "datum": day,
    "moment": moment,
    "uren": hours,
    "km": km,
    "dagdelen": day_parts,
    "uitleg": explain,
    "reden": lambda reason: explain([reason]),
}
