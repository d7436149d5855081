"""Run the engine against the database and keep Match rows in step, idempotently.

Kept apart from service.py so that serving pages and the API never loads the engine
(numpy, scikit-learn, OR-Tools); workers and the embedded task runner do.
"""

import logging
import time
from collections.abc import Iterable

import numpy as np
import orjson
from sqlalchemy import delete, insert, text, update
from sqlmodel import Session, select

from core import geo, nl
from db.models import (
    Fund,
    Initiative,
    Instrument,
    Match,
    MatchingRun,
    Need,
    ParticipationClient,
    Volunteer,
)
from db.types import utcnow
from services.brokerage.service import MatchStatus
from services.matching import loader
from services.matching.service import RunStatus
from services.worker.matching import engine, explain
from services.worker.matching.model import Config

log = logging.getLogger(__name__)
BLOCK = 2000


def _resource_ids(kind: str, inputs: engine.Inputs) -> tuple[np.ndarray, np.ndarray | None]:
    if kind == "volunteer":
        return inputs.volunteers.ids, None
    if kind == "fund":
        return inputs.calls.fund_ids, inputs.calls.call_ids
    if kind == "instrument":
        return inputs.instruments.ids, None
    return inputs.clients.ids, None


def rematch(session: Session, need_ids: list[int] | None, *, run_id: int | None = None,
            cfg: Config | None = None) -> dict[str, int]:
    """Recompute proposals for the given needs (None: every open need) and store them."""
    cfg = cfg or Config()
    inputs, places = loader.load_inputs(session, need_ids)
    found = engine.candidates(inputs, cfg)
    if need_ids is not None:
        loader.load_exposure(session, inputs, {kind: np.unique(c.key)
                                               for kind, c in found.items()})
    chosen = engine.choose(engine.pooled(inputs, found, cfg), cfg)
    proposals = engine.proposals(inputs, found, chosen)
    return store(session, inputs, places, proposals, need_ids, run_id)


def store(session: Session, inputs: engine.Inputs, places: loader.Places,
          proposals: dict, need_ids: list[int] | None, run_id: int | None) -> dict[str, int]:
    """Write an engine result: new proposals in, stale ones out, decided ones untouched."""
    fresh: dict[tuple[int, str, int], dict] = {}
    words = Explainer()
    for kind, p in proposals.items():
        res_ids, call_ids = _resource_ids(kind, inputs)
        proposal_needs = inputs.needs.ids[p.need].tolist()
        resource_ids = res_ids[p.resource].tolist()
        proposal_calls = (call_ids[p.resource].tolist() if call_ids is not None
                          else [None] * len(p.need))
        scores = np.round(p.score.astype(np.float64), 4).tolist()
        every = explain.reasons_all(p, inputs, places.names, places.provinces, words.book)
        for i, reasons in enumerate(every):
            fresh[(proposal_needs[i], kind, resource_ids[i])] = {
                "score": scores[i], "reasons": reasons, "explanation": words(reasons),
                "call_id": proposal_calls[i]}
    written = _persist(session, need_ids, fresh, run_id)
    if need_ids is None or len(need_ids) > loader.IN_CHUNK:
        refresh_statistics(session)
    return {"needs": len(inputs.needs),
            "pairs_scored": sum(p.pairs_scored for p in proposals.values()),
            "proposals": len(fresh), "written": written}


class Explainer:
    """nl.explain for proposals whose reasons come from one explain.Book: each distinct
    reason is put into words once, and the sentence is the same as nl.explain's."""

    def __init__(self) -> None:
        self.book = explain.Book()
        self.words: dict[int, tuple[dict, str]] = {}

    def __call__(self, reasons: list[dict]) -> str:
        out = []
        for reason in reasons:
            # By identity: the book keeps every reason alive, so an id is never reused.
            found = self.words.get(id(reason))
            if found is None or found[0] is not reason:
                found = self.words[id(reason)] = (reason, nl.explain([reason]))
            if found[1]:
                out.append(found[1])
        return " · ".join(out)


def refresh_statistics(session: Session) -> None:
    """After a bulk write, let PostgreSQL's planner see the match table as it now is: with
    the statistics of an empty table it reads every match to count one volunteer's."""
    if session.get_bind().dialect.name == "postgresql":
        session.flush()
        session.execute(text("ANALYZE match"))


def _existing(session: Session, need_ids: list[int] | None) -> list:
    stmt = select(Match.id, Match.need_id, Match.resource_kind, Match.resource_id,
                  Match.status, Match.score, Match.explanation, Match.call_id)
    if need_ids is None:
        return list(session.execute(stmt))
    rows = []
    for start in range(0, len(need_ids), loader.IN_CHUNK):
        rows += session.execute(stmt.where(
            Match.need_id.in_(need_ids[start:start + loader.IN_CHUNK]))).all()
    return rows


def _persist(session: Session, need_ids: list[int] | None,
             fresh: dict[tuple[int, str, int], dict], run_id: int | None) -> int:
    """Insert new proposals, refresh changed ones, drop stale ones; decided rows stay."""
    now = utcnow()
    stale, changed = [], []
    seen: set[tuple[int, str, int]] = set()
    for mid, need_id, kind, res_id, status, score, explanation, call_id in _existing(
            session, need_ids):
        key = (need_id, kind, res_id)
        seen.add(key)
        if status != MatchStatus.PROPOSED:
            continue
        new = fresh.get(key)
        if new is None:
            stale.append(mid)
        elif (new["score"], new["explanation"], new["call_id"]) != (score, explanation,
                                                                    call_id):
            changed.append({"id": mid, **new, "run_id": run_id, "updated_at": now})
    proposed = MatchStatus.PROPOSED.value
    rows = [{"need_id": k[0], "resource_kind": k[1], "resource_id": k[2], **v,
             "status": proposed, "run_id": run_id, "created_at": now,
             "updated_at": now}
            for k, v in fresh.items() if k not in seen]
    for start in range(0, len(stale), loader.IN_CHUNK):
        session.execute(delete(Match).where(Match.id.in_(stale[start:start + loader.IN_CHUNK])))
    if changed:
        session.execute(update(Match), changed)
    _insert(session, rows)
    session.flush()
    return len(rows) + len(changed) + len(stale)


COPY_COLUMNS = ("need_id", "resource_kind", "resource_id", "call_id", "score", "reasons",
                "explanation", "status", "run_id", "created_at", "updated_at")


def _insert(session: Session, rows: list[dict]) -> None:
    """Bulk insert: COPY on PostgreSQL (a national run writes ~250k rows), batches elsewhere."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql" and len(rows) > 1000:
        raw = session.connection().connection.driver_connection
        statement = f"COPY match ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for start in range(0, len(rows), 10_000):
                copy.write(_copy_lines(rows[start:start + 10_000]))
        return
    for start in range(0, len(rows), 10_000):
        session.execute(insert(Match), rows[start:start + 10_000])


# COPY's text format: tab between columns, \N for null, and these characters escaped.
def _copy_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return value


def _copy_lines(rows: list[dict]) -> str:
    """Match rows in COPY's text format (formatting them here is several times faster than
    letting the driver adapt ~250,000 rows value by value)."""
    out, stamps = [], {}
    for row in rows:
        call, run = row["call_id"], row["run_id"]
        created, updated = row["created_at"], row["updated_at"]
        if created not in stamps:
            stamps[created] = created.isoformat()
        if updated not in stamps:
            stamps[updated] = updated.isoformat()
        out.append("\t".join((
            str(row["need_id"]), row["resource_kind"], str(row["resource_id"]),
            "\\N" if call is None else str(call), repr(row["score"]),
            _copy_text(orjson.dumps(row["reasons"]).decode()), _copy_text(row["explanation"]),
            row["status"], "\\N" if run is None else str(run), stamps[created],
            stamps[updated])) + "\n")
    return "".join(out)


def needs_affected_by(session: Session, kind: str, resource_id: int) -> list[int]:
    """Open needs whose proposals a change to this resource can alter."""
    codes = loader.codebook()
    served = {c for c, bit in codes.code_bits("support_needs").items()
              if bit in codes.kinds_served(kind)}
    stmt = select(Need.id).join(Initiative, Initiative.id == Need.initiative_id).where(
        Need.status == "open", Need.kind.in_(sorted(served)))
    if kind == "volunteer":
        volunteer = session.get(Volunteer, resource_id)
        if volunteer is None or volunteer.pc4 is None:
            return _with_matches(session, kind, resource_id)
        near = sorted(geo.within_radius(volunteer.pc4, min(volunteer.radius_km, 25.0)))
        stmt = stmt.where(Initiative.pc4.in_(near or ["-"]))
    elif kind == "instrument":
        instrument = session.get(Instrument, resource_id)
        if instrument is None:
            return _with_matches(session, kind, resource_id)
        stmt = stmt.where(Initiative.municipality_code == instrument.municipality_code)
    elif kind == "placement":
        client = session.get(ParticipationClient, resource_id)
        if client is None:
            return _with_matches(session, kind, resource_id)
        stmt = stmt.where(Initiative.municipality_code == client.municipality_code)
    elif kind == "fund" and session.get(Fund, resource_id) is None:
        return _with_matches(session, kind, resource_id)
    return sorted(set(session.exec(stmt).all()) | set(_with_matches(session, kind,
                                                                   resource_id)))


def _with_matches(session: Session, kind: str, resource_id: int) -> list[int]:
    return list(session.exec(select(Match.need_id).where(
        Match.resource_kind == kind, Match.resource_id == resource_id,
        Match.status == MatchStatus.PROPOSED)).all())


def blocks(ids: list[int], size: int = BLOCK) -> Iterable[list[int]]:
    """Needs in blocks: a task has a fixed cost, so never one task per need or pair."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def full_run(session_factory, run_id: int, work=None) -> None:
    """A full rematch, recording progress and figures on the MatchingRun (work: a function
    of the session factory doing the rematch, such as the shards run one after another)."""
    started = time.perf_counter()
    if not start(session_factory, run_id):
        return
    try:
        if work is None:
            with session_factory() as session:
                stats = rematch(session, None, run_id=run_id)
        else:
            stats = work(session_factory)
        finish(session_factory, run_id, stats, time.perf_counter() - started)
    except Exception as exc:
        fail(session_factory, run_id, exc)
        raise


def start(session_factory, run_id: int) -> bool:
    """Mark a run as running; False when it vanished."""
    with session_factory() as session:
        run = session.get(MatchingRun, run_id)
        if run is None:
            log.info("matching run %s vanished; nothing to do", run_id)
            return False
        run.status = RunStatus.RUNNING
    return True


def finish(session_factory, run_id: int, stats: dict, seconds: float) -> None:
    """Record a finished run's figures."""
    with session_factory() as session:
        run = session.get(MatchingRun, run_id)
        if run is None:
            return
        run.status = RunStatus.DONE
        run.needs_total = run.needs_done = stats["needs"]
        run.pairs_scored = stats["pairs_scored"]
        run.proposals_written = stats["proposals"]
        run.seconds = round(seconds, 2)
        run.finished_at = utcnow()


def fail(session_factory, run_id: int, exc: Exception) -> None:
    """Record why a run failed."""
    with session_factory() as session:
        run = session.get(MatchingRun, run_id)
        if run is not None:
            run.status, run.error, run.finished_at = RunStatus.FAILED, str(exc)[:500], utcnow()

