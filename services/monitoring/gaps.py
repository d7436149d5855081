"""Gaps: open demand against supply per theme × life group (SQL GROUP BY on both databases)."""

from sqlalchemy import and_, exists, func, literal, true, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core.vocabulary import get_vocabulary
from db.models import (
    Fund,
    FundCall,
    Initiative,
    InitiativeLabel,
    Instrument,
    Municipality,
    Need,
    Volunteer,
)
from db.types import local_today
from services.monitoring.sql import (
    constant_rows,
    count_cell,
    in_municipality,
    json_items,
    json_length,
)

GAP_LABELS = {"none": "Geen open vraag", "missing": "Geen aanbod", "short": "Krap",
              "covered": "Gedekt"}
THEME, GROUP = aliased(InitiativeLabel), aliased(InitiativeLabel)


def _cell_needs():
    """Open needs joined to their initiative's themes (THEME) and life groups (GROUP)."""
    return (select().select_from(Need)
            .join(Initiative, Initiative.id == Need.initiative_id)
            .join(THEME, and_(THEME.initiative_id == Initiative.id, THEME.lens == "themes"))
            .join(GROUP, and_(GROUP.initiative_id == Initiative.id,
                              GROUP.lens == "life_groups"))
            .where(Need.status == "open"))


def _demand(session: Session, code: str | None) -> dict:
    stmt = _cell_needs().add_columns(THEME.code, GROUP.code, func.count(func.distinct(Need.id)))
    stmt = in_municipality(stmt.group_by(THEME.code, GROUP.code), code)
    return {(t, g): n for t, g, n in session.exec(stmt)}


def _instruments(session: Session, code: str | None) -> dict:
    kinds = json_items(session, Instrument.need_kinds)
    stmt = (_cell_needs()
            .add_columns(THEME.code, GROUP.code, func.count(func.distinct(Instrument.id)))
            .join(Instrument, and_(Instrument.active.is_(True),
                                   Instrument.municipality_code == Initiative.municipality_code))
            .join(kinds, kinds.c.value == Need.kind).group_by(THEME.code, GROUP.code))
    return {(t, g): n for t, g, n in session.exec(in_municipality(stmt, code))}


def _volunteers(session: Session, code: str | None) -> dict:
    themes = json_items(session, Volunteer.themes)
    stmt = (select(themes.c.value, func.count(func.distinct(Volunteer.id)))
            .select_from(Volunteer).join(themes, true())
            .where(Volunteer.erased_at.is_(None)).group_by(themes.c.value))
    if code is not None:
        stmt = stmt.where(Volunteer.municipality_code == code)
    return dict(session.exec(stmt).all())


def _expanded(session: Session, list_column, codes: list[str]):
    """(fund_id, code) for each code a fund names; a fund naming none serves every code."""
    items = json_items(session, list_column)
    every = constant_rows(f"every_{list_column.key}", ("code",), [(c,) for c in codes])
    named = select(Fund.id.label("fund_id"), items.c.value.label("code")) \
        .select_from(Fund).join(items, true())
    unnamed = select(Fund.id.label("fund_id"), every.c.code.label("code")) \
        .select_from(Fund).join(every, true()).where(json_length(list_column) == 0)
    return union_all(named, unnamed).subquery()


def _funds(session: Session, code: str | None) -> dict:
    vocab = get_vocabulary()
    today = local_today()
    themes = _expanded(session, Fund.themes, vocab.codes("themes"))
    groups = _expanded(session, Fund.life_groups, vocab.codes("life_groups"))
    open_call = exists().where(FundCall.fund_id == Fund.id, FundCall.opens_on <= today,
                               FundCall.closes_on >= today,
                               FundCall.granted_eur < FundCall.budget_eur)
    stmt = (select(themes.c.code, groups.c.code, func.count(func.distinct(Fund.id)))
            .select_from(Fund).join(themes, themes.c.fund_id == Fund.id)
            .join(groups, groups.c.fund_id == Fund.id)
            .where(Fund.active.is_(True), open_call).group_by(themes.c.code, groups.c.code))
    if code is not None:
        regions = json_items(session, Fund.regions)
        municipality = session.get(Municipality, code)
        reach = ["NL", code] + ([municipality.province_code]
                                if municipality and municipality.province_code else [])
        stmt = stmt.where((json_length(Fund.regions) == 0) | exists(
            select(literal(1)).select_from(regions).where(regions.c.value.in_(reach))))
    return {(t, g): n for t, g, n in session.exec(stmt)}


def _gap(demand: int, supply: int) -> str:
    if demand == 0:
        return "none"
    if supply == 0:
        return "missing"
    return "short" if supply < demand else "covered"


def gaps_section(session: Session, *, code: str | None) -> dict:
    """The theme × life-group matrix: open needs, volunteers, open funds and instruments."""
    vocab = get_vocabulary()
    demand, volunteers = _demand(session, code), _volunteers(session, code)
    funds, instruments = _funds(session, code), _instruments(session, code)
    cells = []
    for theme in vocab.items("themes"):
        for group in vocab.items("life_groups"):
            key = (theme["code"], group["code"])
            need = demand.get(key, 0)
            supply = (volunteers.get(theme["code"], 0) + funds.get(key, 0)
                      + instruments.get(key, 0))
            gap = _gap(need, supply)
            cells.append({"theme": theme["code"], "theme_label": theme["nl"],
                          "life_group": group["code"], "life_group_label": group["nl"],
                          "demand": count_cell(need),
                          "volunteers": count_cell(volunteers.get(theme["code"], 0)),
                          "funds": count_cell(funds.get(key, 0)),
                          "instruments": count_cell(instruments.get(key, 0)),
                          "gap": gap, "gap_label": GAP_LABELS[gap]})
    return {"themes": [{"code": t["code"], "label": t["nl"]} for t in vocab.items("themes")],
            "life_groups": [{"code": g["code"], "label": g["nl"]}
                            for g in vocab.items("life_groups")],
            "cells": cells}
