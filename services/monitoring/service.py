"""The municipal dashboard: who may see which, computing it, and its snapshot."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.errors import Forbidden, NotFound
from core.permissions import Actor, Scope, covers
from db.models import DashboardSnapshot, Municipality
from db.types import utcnow
from services.monitoring.climate import climate_section
from services.monitoring.funnel import funnel_section
from services.monitoring.gaps import gaps_section
from services.monitoring.geo_map import map_section
from services.monitoring.lenses import lenses_section
from services.monitoring.overview import overview_section
from services.monitoring.sql import Period
from services.monitoring.tables import Table, tables, to_csv, to_xlsx
from services.monitoring.value import value_section
from services.outbox import service as outbox
from services.worker.queues import TaskName

log = logging.getLogger(__name__)

ALL = "NL"  # the key of the dashboard over every municipality (admins)
SECTIONS = ("overview", "lenses", "gaps", "climate", "funnel", "value", "map")
# A snapshot older than this is still shown, and a fresh one is asked of a worker.
STALE = timedelta(minutes=15)
# Ask at most once in this time, however many people open the page meanwhile.
ASK_AGAIN = timedelta(minutes=5)
_RULES = {Scope.MUNICIPALITY: (("code", "municipality_code"),)}

__all__ = ["ALL", "SECTIONS", "Dashboard", "Table", "compute", "dashboard", "export",
           "municipalities_for", "reach", "refresh", "tables"]


@dataclass(frozen=True)
class Dashboard:
    """A dashboard as shown: its data, when it was computed and for which municipality."""

    key: str
    name: str
    data: dict
    computed_at: datetime
    live: bool


def reach(session: Session, actor: Actor | None, code: str) -> Municipality | None:
    """The municipality the actor may see the dashboard of (None for ALL), else 403/404."""
    if code == ALL:
        if actor is None or actor.scope("dashboard.read") is not Scope.ANY:
            raise Forbidden("Alleen beheerders zien alle gemeenten samen.")
        return None
    municipality = session.get(Municipality, code)
    # Another municipality answers exactly like one that is not there: nothing leaks.
    if municipality is None or not covers(actor, "dashboard.read", municipality, rules=_RULES):
        raise NotFound("Deze gemeente is niet gevonden.")
    return municipality


def compute(session: Session, code: str | None) -> dict:
    """Every section, computed now from the database (code None: every municipality)."""
    period = Period.last_year()
    value = value_section(session, code=code)
    return {
        "overview": overview_section(session, code=code, period=period,
                                     value_total_eur=value.get("total_eur")),
        "lenses": lenses_section(session, code=code),
        "gaps": gaps_section(session, code=code),
        "climate": climate_section(session, code=code),
        "funnel": funnel_section(session, code=code, period=period),
        "value": value,
        "map": map_section(session, code=code),
    }


def refresh(session: Session, key: str) -> DashboardSnapshot:
    """Compute one dashboard and keep it as its snapshot."""
    data = compute(session, None if key == ALL else key)
    snapshot = session.get(DashboardSnapshot, key)
    if snapshot is None:
        snapshot = DashboardSnapshot(key=key)
        session.add(snapshot)
    snapshot.data, snapshot.computed_at, snapshot.requested_at = data, utcnow(), None
    session.flush()
    return snapshot


def _ask(session: Session, key: str, snapshot: DashboardSnapshot | None) -> None:
    """Queue a refresh through the outbox, unless one was asked for a moment ago."""
    now = utcnow()
    if snapshot is not None:
        if snapshot.requested_at is not None and now - snapshot.requested_at < ASK_AGAIN:
            return
        snapshot.requested_at = now
    outbox.enqueue(session, TaskName.REFRESH_DASHBOARD, key=key)


def dashboard(session: Session, actor: Actor | None, code: str) -> Dashboard:
    """The snapshot when there is one (asking for a fresh one when it is old), else live."""
    municipality = reach(session, actor, code)
    name = municipality.name if municipality else "Alle gemeenten"
    snapshot = session.get(DashboardSnapshot, code)
    if snapshot is None:
        _ask(session, code, None)
        return Dashboard(code, name, compute(session, None if code == ALL else code), utcnow(),
                         live=True)
    if utcnow() - snapshot.computed_at > STALE:
        _ask(session, code, snapshot)
    return Dashboard(code, name, snapshot.data, snapshot.computed_at, live=False)


def export(session: Session, actor: Actor | None, code: str, table: str,
           fmt: str) -> tuple[str, bytes]:
    """(file name, content) of one dashboard table as "csv" or "xlsx"; 404 for another name."""
    found = tables(dashboard(session, actor, code).data).get(table)
    if found is None:
        raise NotFound("Deze tabel bestaat niet.")
    content = to_csv(found) if fmt == "csv" else to_xlsx(found)
    return f"{code}-{table}.{fmt}", content


def municipalities_for(session: Session, actor: Actor) -> list[Municipality]:
    """The municipalities whose dashboard the actor may open (admins: every onboarded one)."""
    stmt = select(Municipality).order_by(Municipality.name)
    if actor.scope("dashboard.read") is not Scope.ANY:
        stmt = stmt.where(Municipality.code == actor.municipality_code)
    return list(session.exec(stmt))
