"""Every table of the dashboard, flattened from its dict, and written as CSV or XLSX."""

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from services.monitoring.funnel import STEPS


@dataclass(frozen=True)
class Table:
    """One table: a Dutch title, (key, Dutch header) columns and rows of plain values."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]


def _steps_table(title: str, key: str, header: str, groups: list[dict]) -> Table:
    columns = [(key, header)] + [(name, label) for name, label in STEPS]
    rows = [{key: g.get("label", g.get(key)), **{s["step"]: s["count"] for s in g["steps"]}}
            for g in groups]
    return Table(title, columns, rows)


def _generic(title: str, items: list) -> Table | None:
    """A list of flat dicts from another section (value, map) as a table of its own keys."""
    dicts = [i for i in items if isinstance(i, dict)]
    if not dicts:
        return None
    keys = [k for k, v in dicts[0].items() if not isinstance(v, dict | list)]
    return Table(title, [(k, k) for k in keys], [{k: d.get(k) for k in keys} for d in dicts])


def tables(data: dict) -> dict[str, Table]:
    """Name → table for everything the dashboard shows (names are the export file names)."""
    out: dict[str, Table] = {"overview": Table(
        "Overzicht", [("label", "Kengetal"), ("now", "Nu"), ("current", "Afgelopen 12 maanden"),
                      ("previous", "12 maanden daarvoor"), ("change", "Verschil")],
        data["overview"]["rows"])}
    for lens in data["lenses"]["lenses"]:
        out[f"lens_{lens['lens']}"] = Table(lens["title"], [("label", lens["title"]),
                                                            ("count", "Initiatieven")],
                                            lens["rows"])
    out["gaps"] = Table("Tekorten per thema en levensfase", [
        ("theme_label", "Thema"), ("life_group_label", "Levensfase"),
        ("demand", "Open hulpvragen"), ("volunteers", "Vrijwilligers met dit thema"),
        ("funds", "Fondsen met open oproep"), ("instruments", "Instrumenten van de gemeente"),
        ("gap_label", "Beoordeling")], data["gaps"]["cells"])
    climate = data["climate"]
    functions = climate["functions"]
    out["climate"] = Table(
        "Klimaat per gebied",
        [("area", "Gebied"), ("initiatives", "Initiatieven")]
        + [(f["code"], f["label"]) for f in functions],
        [{"area": a["area"], "initiatives": a["initiatives"], **a["scores"]}
         for a in climate["areas"]])
    out["climate_advice"] = Table(
        "Zwakke functies: interventies en eigen instrumenten",
        [("label", "Functie"), ("how", "Zo berekend"), ("weak_areas", "Zwak in"),
         ("interventions", "Interventies uit de publicatie"),
         ("own_instruments", "Eigen instrumenten")],
        [{"label": f["label"], "how": f["how"], "weak_areas": ", ".join(f["weak_areas"]),
          "interventions": ", ".join(f["interventions"]),
          "own_instruments": ", ".join(f["own_instruments"])} for f in functions])
    funnel = data["funnel"]
    out["funnel"] = Table("Trechter", [("label", "Stap"), ("count", "Hulpvragen"),
                                       ("drop_off", "Uitval t.o.v. vorige stap")],
                          funnel["steps"])
    out["funnel_months"] = _steps_table("Trechter per maand", "month", "Maand",
                                        funnel["months"])
    out["funnel_need_kinds"] = _steps_table("Trechter per soort hulpvraag", "kind",
                                            "Soort hulpvraag", funnel["need_kinds"])
    out["funnel_help_kinds"] = _steps_table("Trechter per soort hulp", "kind", "Soort hulp",
                                            funnel["help_kinds"])
    out["follow_up"] = Table("Antwoorden op 'Is de hulp gelukt?'",
                             [("label", "Antwoord"), ("count", "Koppelingen")],
                             funnel["follow_up"])
    out["hours"] = Table("Uren per soort hulpvraag", [
        ("label", "Soort hulpvraag"), ("hours", "Uren"), ("matches", "Koppelingen met uren")],
        funnel["hours"])
    for section, title in (("value", "Waarde"), ("map", "Kaart")):
        for key, items in data.get(section, {}).items():
            if isinstance(items, list) and (table := _generic(f"{title}: {key}", items)):
                out[f"{section}_{key}"] = table
    return out


def _cells(table: Table) -> list[list[Any]]:
    return [[row.get(key) for key, _h in table.columns] for row in table.rows]


def to_csv(table: Table) -> bytes:
    """CSV with a header row; "<5" stays "<5"; UTF-8 with a BOM so spreadsheets read accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for _k, header in table.columns])
    writer.writerows(["" if v is None else v for v in row] for row in _cells(table))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """One worksheet with a header row; "<5" is a text cell, counts are numbers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=re.sub(r"[\\/?*\[\]:']", "", table.title)[:31])
    sheet.append([header for _k, header in table.columns])
    for row in _cells(table):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
