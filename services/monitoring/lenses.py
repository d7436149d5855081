"""The publication's lenses: initiatives counted per code of every lens (SQL GROUP BY)."""

from sqlalchemy import func
from sqlmodel import Session, select

from core.vocabulary import get_vocabulary
from db.models import Initiative, InitiativeLabel
from services.monitoring.sql import count_cell, in_municipality

# (vocabulary lens, Dutch title, column on Initiative; None: many codes per initiative).
LENSES = (
    ("actor_types", "Wie zit erachter (actoren)", Initiative.actor_type),
    ("themes", "Thema's", None),
    ("life_groups", "Levensfasen en doelgroepen", None),
    ("added_value", "Toegevoegde waarde", Initiative.added_value),
    ("transformation_role", "Rol in de transformatie", Initiative.transformation_role),
    ("phases", "Fase", Initiative.phase),
    ("thresholds", "Drempel naar groei", Initiative.threshold),
    ("government_relation", "Relatie met de overheid", Initiative.government_relation),
)
UNKNOWN = "Niet ingevuld"


def _counts(session: Session, lens: str, column, code: str | None) -> dict[str | None, int]:
    if column is None:
        stmt = (select(InitiativeLabel.code, func.count(func.distinct(Initiative.id)))
                .join(Initiative, Initiative.id == InitiativeLabel.initiative_id)
                .where(InitiativeLabel.lens == lens).group_by(InitiativeLabel.code))
    else:
        stmt = select(column, func.count()).select_from(Initiative).group_by(column)
    return dict(session.exec(in_municipality(stmt, code)).all())


def lenses_section(session: Session, *, code: str | None) -> dict:
    """Every lens with a row per code (and one for profiles that leave it empty)."""
    vocab = get_vocabulary()
    out = []
    for lens, title, column in LENSES:
        counts = _counts(session, lens, column, code)
        rows = [{"code": item["code"], "label": item["nl"],
                 "count": count_cell(counts.get(item["code"], 0))}
                for item in vocab.items(lens)]
        if column is not None:
            rows.append({"code": "", "label": UNKNOWN, "count": count_cell(counts.get(None, 0))})
        out.append({"lens": lens, "title": title, "rows": rows})
    return {"lenses": out}
