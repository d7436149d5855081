"""Overview: the headline figures, each against the previous period (SQL aggregates)."""

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from core.vocabulary import get_vocabulary
from db.models import HoursLog, Initiative, Match, Need, Volunteer
from db.types import local_today
from services.monitoring.sql import Period, change, count_cell, in_municipality


def _in(column, start, end):
    return func.sum(case((and_(column >= start, column < end), 1), else_=0))


def _row(key: str, label: str, now: int | None, current: int, previous: int) -> dict:
    return {"key": key, "label": label, "unit": "count",
            "now": None if now is None else count_cell(now),
            "current": count_cell(current), "previous": count_cell(previous),
            "change": change(current, previous)}


def overview_section(session: Session, *, code: str | None, period: Period,
                     value_total_eur: float | None = None) -> dict:
    """Initiatives, open needs by kind, matches by status, volunteers, hours and value."""
    vocab = get_vocabulary()
    rows: list[dict] = []
    created = Initiative.created_at
    stmt = in_municipality(select(
        Initiative.published, func.count(), _in(created, period.start, period.end),
        _in(created, period.previous_start, period.start)).group_by(Initiative.published), code)
    found = {bool(published): (n, c or 0, p or 0) for published, n, c, p in session.exec(stmt)}
    for published, key, label in ((True, "initiatives_published", "Initiatieven gepubliceerd"),
                                  (False, "initiatives_draft", "Initiatieven in concept")):
        rows.append(_row(key, label, *found.get(published, (0, 0, 0))))

    stmt = in_municipality(select(
        Need.kind, func.sum(case((Need.status == "open", 1), else_=0)),
        _in(Need.created_at, period.start, period.end),
        _in(Need.created_at, period.previous_start, period.start))
        .join(Initiative, Initiative.id == Need.initiative_id).group_by(Need.kind), code)
    needs = {kind: (n or 0, c or 0, p or 0) for kind, n, c, p in session.exec(stmt)}
    for kind in vocab.codes("support_needs"):
        rows.append(_row(f"needs_{kind}", f"Hulpvragen: {vocab.label('support_needs', kind)}",
                         *needs.get(kind, (0, 0, 0))))

    stmt = in_municipality(select(
        Match.status, func.count(), _in(Match.created_at, period.start, period.end),
        _in(Match.created_at, period.previous_start, period.start))
        .join(Need, Need.id == Match.need_id)
        .join(Initiative, Initiative.id == Need.initiative_id).group_by(Match.status), code)
    matches = {status: (n, c or 0, p or 0) for status, n, c, p in session.exec(stmt)}
    for status in vocab.codes("match_statuses"):
        rows.append(_row(f"matches_{status}",
                         f"Koppelingen: {vocab.label('match_statuses', status)}",
                         *matches.get(status, (0, 0, 0))))

    today = local_today()
    stmt = select(
        func.sum(case((and_(Volunteer.erased_at.is_(None),
                            (Volunteer.paused_until.is_(None))
                            | (Volunteer.paused_until < today)), 1), else_=0)),
        _in(Volunteer.created_at, period.start, period.end),
        _in(Volunteer.created_at, period.previous_start, period.start))
    if code is not None:
        stmt = stmt.where(Volunteer.municipality_code == code)
    active, new, before = session.exec(stmt).one()
    rows.append(_row("volunteers", "Vrijwilligers (nu actief; nieuw per periode)",
                     active or 0, new or 0, before or 0))

    start, prev, end = period.start.date(), period.previous_start.date(), period.end.date()
    stmt = in_municipality(select(
        func.sum(case((and_(HoursLog.on_date >= start, HoursLog.on_date <= end),
                      HoursLog.hours), else_=0.0)),
        func.sum(case((and_(HoursLog.on_date >= prev, HoursLog.on_date < start),
                      HoursLog.hours), else_=0.0)))
        .join(Match, Match.id == HoursLog.match_id).join(Need, Need.id == Match.need_id)
        .join(Initiative, Initiative.id == Need.initiative_id), code)
    hours, hours_before = session.exec(stmt).one()
    hours, hours_before = round(float(hours or 0), 1), round(float(hours_before or 0), 1)
    rows.append({"key": "hours", "label": "Uren inzet gelogd", "unit": "hours", "now": None,
                 "current": hours, "previous": hours_before,
                 "change": round(hours - hours_before, 1)})
    rows.append({"key": "value", "label": "Maatschappelijke waarde van de uren", "unit": "eur",
                 "now": value_total_eur, "current": None, "previous": None, "change": None})
    return {"period": {"start": period.start.date().isoformat(), "end": end.isoformat(),
                       "previous_start": prev.isoformat()},
            "rows": rows}
