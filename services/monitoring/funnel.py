"""Funnel: need posted → proposed → approved → invited → accepted → succeeded, in SQL."""

from sqlalchemy import and_, case, exists, func, or_
from sqlmodel import Session, select

from core.vocabulary import get_vocabulary
from db.models import HoursLog, Initiative, MailMessage, Match, Need
from services.monitoring.sql import (
    Period,
    constant_rows,
    count_cell,
    days_between,
    in_municipality,
    month_of,
)

STEPS = [("posted", "Hulpvraag geplaatst"), ("proposed", "Voorgesteld"),
         ("approved", "Goedgekeurd"), ("invited", "Uitgenodigd"), ("accepted", "Geaccepteerd"),
         ("succeeded", "Geslaagd")]
ACCEPTED = ("active", "done")
DECIDED_YES = ("approved", "declined")


def _stage():
    """How far one match got: 1 proposed … 5 succeeded (a need counts at its furthest match)."""
    invitation = exists().where(MailMessage.match_id == Match.id,
                                MailMessage.kind == "invitation")
    return case(
        (Match.outcome == "succeeded", 5),
        (Match.status.in_(ACCEPTED), 4),
        (and_(Match.status.in_(DECIDED_YES),
              or_(Match.answered_at.is_not(None), invitation)), 3),
        (Match.status.in_(DECIDED_YES), 2),
        else_=1)


def _serves() -> object:
    """(need kind, resource kind) pairs from the vocabulary: which help a kind of need asks."""
    pairs = []
    for item in get_vocabulary().items("support_needs"):
        kinds = list(item.get("matches", []))
        kinds += ["placement"] if "volunteer" in kinds else []
        pairs += [(item["code"], kind) for kind in kinds]
    return constant_rows("serves", ("need_kind", "resource_kind"), pairs)


def _per_need(session: Session, code: str | None, period: Period, by: str):
    """One row per need (and per kind of help for by="resource_kind") with its furthest stage."""
    matched = func.coalesce(Match.answered_at, Match.decided_at, Match.updated_at)
    if by == "resource_kind":
        serves = _serves()
        group = serves.c.resource_kind
        stmt = (select().select_from(Need).join(serves, serves.c.need_kind == Need.kind)
                .outerjoin(Match, and_(Match.need_id == Need.id,
                                       Match.resource_kind == serves.c.resource_kind)))
    else:
        group = Need.kind if by == "need_kind" else month_of(session, Need.created_at)
        stmt = select().select_from(Need).outerjoin(Match, Match.need_id == Need.id)
    stmt = (stmt.add_columns(
        group.label("grp"), Need.created_at.label("created_at"),
        func.coalesce(func.max(case((Match.id.is_not(None), _stage()), else_=0)), 0)
        .label("stage"),
        func.min(case((Match.status.in_(ACCEPTED), matched))).label("matched_at"))
        .join(Initiative, Initiative.id == Need.initiative_id)
        .where(Need.created_at >= period.start, Need.created_at < period.end)
        .group_by(Need.id, group, Need.created_at))
    return in_municipality(stmt, code).subquery()


def _steps(session: Session, per_need) -> dict[str, dict[str, int]]:
    columns = [func.count().label("posted")] + [
        func.sum(case((per_need.c.stage >= level, 1), else_=0)).label(name)
        for level, (name, _label) in enumerate(STEPS[1:], start=1)]
    rows = session.exec(select(per_need.c.grp, *columns).group_by(per_need.c.grp)).all()
    return {row[0]: {name: int(row[i + 1] or 0) for i, (name, _l) in enumerate(STEPS)}
            for row in rows}


def _shown(counts: dict[str, int]) -> list[dict]:
    """Steps as shown: suppressed counts and the drop-off from the step before."""
    out, before = [], None
    for name, label in STEPS:
        n = counts.get(name, 0)
        drop = None
        if before is not None and before >= 5 and n >= 5:
            drop = round(1 - n / before, 3)
        out.append({"step": name, "label": label, "count": count_cell(n), "drop_off": drop})
        before = n
    return out


def _median_days(session: Session, per_need) -> float | None:
    """The median days from posting to the first accepted match, by window functions."""
    days = days_between(session, per_need.c.matched_at, per_need.c.created_at)
    ranked = select(days.label("days"),
                    func.row_number().over(order_by=days).label("rn"),
                    func.count().over().label("n")) \
        .where(per_need.c.matched_at.is_not(None)).subquery()
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    value = session.exec(select(func.avg(ranked.c.days)).where(middle)).one()
    return None if value is None else round(float(value), 1)


def _follow_up(session: Session, code: str | None, period: Period) -> list[dict]:
    answer = case((Match.outcome.is_not(None), Match.outcome), else_="unanswered")
    stmt = in_municipality(
        select(answer, func.count()).select_from(Match)
        .join(Need, Need.id == Match.need_id).join(Initiative, Initiative.id == Need.initiative_id)
        .where(or_(Match.follow_up_sent_at >= period.start, Match.outcome_at >= period.start))
        .group_by(answer), code)
    found = dict(session.exec(stmt).all())
    labels = {"succeeded": "Gelukt", "failed": "Niet gelukt", "unanswered": "Nog geen antwoord"}
    return [{"answer": key, "label": label, "count": count_cell(found.get(key, 0))}
            for key, label in labels.items()]


def _hours(session: Session, code: str | None, period: Period) -> list[dict]:
    vocab = get_vocabulary()
    stmt = in_municipality(
        select(Need.kind, func.sum(HoursLog.hours), func.count(func.distinct(Match.id)))
        .select_from(HoursLog).join(Match, Match.id == HoursLog.match_id)
        .join(Need, Need.id == Match.need_id).join(Initiative, Initiative.id == Need.initiative_id)
        .where(HoursLog.on_date >= period.start.date()).group_by(Need.kind), code)
    found = {kind: (hours, n) for kind, hours, n in session.exec(stmt)}
    return [{"kind": kind, "label": vocab.label("support_needs", kind),
             "hours": round(float(found.get(kind, (0, 0))[0] or 0), 1),
             "matches": count_cell(found.get(kind, (0, 0))[1])}
            for kind in vocab.codes("support_needs")]


def _months(period: Period) -> list[str]:
    year, month = period.start.year, period.start.month
    out = []
    while (year, month) <= (period.end.year, period.end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def funnel_section(session: Session, *, code: str | None, period: Period) -> dict:
    """The funnel in total, per month and per kind of need and of help, with follow-ups."""
    vocab = get_vocabulary()
    by_month = _steps(session, _per_need(session, code, period, "month"))
    by_kind = _steps(session, _per_need(session, code, period, "need_kind"))
    by_help = _steps(session, _per_need(session, code, period, "resource_kind"))
    total = {name: sum(g.get(name, 0) for g in by_month.values()) for name, _l in STEPS}
    return {
        "steps": _shown(total),
        "median_days_to_match": _median_days(session, _per_need(session, code, period, "month")),
        "months": [{"month": m, "steps": _shown(by_month.get(m, {}))} for m in _months(period)],
        "need_kinds": [{"kind": k, "label": vocab.label("support_needs", k),
                        "steps": _shown(by_kind.get(k, {}))}
                       for k in vocab.codes("support_needs")],
        "help_kinds": [{"kind": k, "label": vocab.label("resource_kinds", k),
                        "steps": _shown(by_help.get(k, {}))}
                       for k in vocab.codes("resource_kinds")],
        "follow_up": _follow_up(session, code, period),
        "hours": _hours(session, code, period),
    }



