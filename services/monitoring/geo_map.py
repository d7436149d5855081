"""The dashboard's map: counts per PC4 area (one municipality) or per municipality (all).

Counts are made in SQL (GROUP BY the area), then shown suppressed: below 5 (zero included) an
area reads "<5" and takes the lightest colour, so neither number nor colour singles anyone out.
"""

from sqlalchemy import func
from sqlmodel import Session, select

from core.privacy import SMALL_COUNT, suppressed
from db.models import Initiative, Match, Need
from services.monitoring import geo_shapes

METRICS = (("initiatives", "Initiatieven"), ("needs", "Open hulpvragen"),
           ("matches", "Koppelingen"))
# Koppelingen: matches people said yes to (running or finished).
MADE = ("active", "done")
COLOURS = ("#eef1f4", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
ATTRIBUTION = ("Gemeentegrenzen: Bron: CBS, Kadaster (CC BY 4.0, gegeneraliseerd, indeling "
               "2023). Postcodepunten: pc4_nl, MIT-licentie, © 2022 Drikus Roor.")
PC4_NOTE = ("Koppel heeft geen echte postcodegrenzen, alleen het middelpunt van elk "
            "postcodegebied (PC4). De vlakken zijn daarom benaderd: elk punt krijgt het deel "
            "van de gemeente dat er het dichtst bij ligt (Voronoi-cellen), afgesneden op de "
            "vereenvoudigde gemeentegrens. Initiatieven tellen mee bij hun eigen postcode.")
NATIONAL_NOTE = "Per gemeente; initiatieven tellen mee bij de gemeente van hun profiel."


def _counts(session: Session, code: str | None) -> dict[str, dict[str, int]]:
    area = Initiative.pc4 if code else Initiative.municipality_code
    scope = [Initiative.municipality_code == code] if code else []
    queries = {
        "initiatives": select(area, func.count(Initiative.id)).where(*scope).group_by(area),
        "needs": select(area, func.count(Need.id)).join(Initiative,
                                                        Initiative.id == Need.initiative_id)
        .where(Need.status == "open", *scope).group_by(area),
        "matches": select(area, func.count(Match.id)).join(Need, Need.id == Match.need_id)
        .join(Initiative, Initiative.id == Need.initiative_id)
        .where(Match.status.in_(MADE), *scope).group_by(area),
    }
    return {key: {k: n for k, n in session.exec(stmt) if k} for key, stmt in queries.items()}


def _nice(value: float) -> int:
    magnitude = 10 ** max(len(str(int(value))) - 1, 0)
    return max(int(round(value / magnitude) * magnitude), 1)


def breaks(top: int) -> list[int]:
    """Lower bounds of the classes above "<5": four steps from 5 up to the largest count."""
    if top < SMALL_COUNT:
        return []
    if top < 50:
        return [b for b in (5, 10, 20, 35) if b <= top] or [5]
    ratio = (top / SMALL_COUNT) ** 0.25
    out = [5]
    for i in range(1, 4):
        step = _nice(SMALL_COUNT * ratio ** i)
        if step > out[-1]:
            out.append(step)
    return out


def _legend(bounds: list[int]) -> list[dict]:
    rows = [{"class": 0, "label": "<5", "colour": COLOURS[0]}]
    for i, low in enumerate(bounds):
        high = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        label = f"{low} of meer" if high is None else (f"{low}" if high == low
                                                         else f"{low} tot en met {high}")
        rows.append({"class": i + 1, "label": label, "colour": COLOURS[i + 1]})
    return rows


def _class(count: int, bounds: list[int]) -> int:
    return sum(1 for low in bounds if count >= low)


def map_section(session: Session, *, code: str | None) -> dict:
    """The dashboard's "map" section for one municipality (code) or all (None)."""
    drawing = geo_shapes.municipality(code) if code else geo_shapes.national()
    counts = _counts(session, code)
    shapes = drawing.shapes if drawing else ()
    placed = {s.code for s in shapes}
    bounds = {key: breaks(max(counts[key].values(), default=0)) for key, _ in METRICS}
    areas = []
    for s in shapes:
        raw = {key: counts[key].get(s.code, 0) for key, _ in METRICS}
        areas.append({"code": s.code, "name": s.name, "path": s.path,
                      "counts": {k: suppressed(n) for k, n in raw.items()},
                      "classes": {k: _class(n, bounds[k]) for k, n in raw.items()}})
    elsewhere = {key: suppressed(sum(n for area, n in counts[key].items() if area not in placed))
                 for key, _ in METRICS}
    return {"level": "pc4" if code else "municipality", "municipality": code,
            "view_box": drawing.view_box if drawing else "0 0 600 600",
            "outline": drawing.outline if drawing else "",
            "metrics": [{"key": key, "label": label} for key, label in METRICS],
            "legend": {key: _legend(bounds[key]) for key, _ in METRICS},
            "areas": areas, "elsewhere": elsewhere,
            "note": PC4_NOTE if code else NATIONAL_NOTE, "attribution": ATTRIBUTION}
