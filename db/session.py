"""Session factory and the unit of work that owns every transaction."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from db.engine import get_engine

log = logging.getLogger(__name__)
SessionFactory = sessionmaker(class_=Session, expire_on_commit=False, autoflush=True)

_AFTER_COMMIT = "koppel_after_commit"
_AFTER_FINISH = "koppel_after_finish"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run callback once the unit of work that owns session has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def after_finish(session: Session, callback: Callable[[bool], None]) -> None:
    """Run callback(committed) once the unit of work has committed or rolled back.

    For records that must outlive a failed request, such as audit events: the callback
    writes them in a transaction of its own.
    """
    session.info.setdefault(_AFTER_FINISH, []).append(callback)


def _finish(session: Session, committed: bool) -> None:
    for callback in session.info.pop(_AFTER_FINISH, []):
        callback(committed)


def new_session() -> Session:
    """A session bound to the configured engine unless the factory was bound elsewhere."""
    if SessionFactory.kw.get("bind") is None:
        SessionFactory.configure(bind=get_engine())
    return SessionFactory()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Yield a session; commit on success, roll back on error, then run after-commit hooks.

    Services only flush: this scope (a request, a task, a CLI command) is the one place that
    commits, so a failed write never leaves half a record behind.
    """
    session = new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop(_AFTER_COMMIT, None)
        session.close()
        try:
            _finish(session, committed=False)
        except Exception:  # keep the original error; the hook has logged its own
            log.exception("after-finish hook failed after a rollback")
        raise
    else:
        callbacks = session.info.pop(_AFTER_COMMIT, [])
        session.close()
        _finish(session, committed=True)
        for callback in callbacks:
            callback()


def _request_session() -> Iterator[Session]:
    with unit_of_work() as session:
        yield session


# One unit of work per request. scope="function": the transaction commits before the response
# is sent, so a client never reads a 2xx for a write that did not commit.
SessionDep = Annotated[Session, Depends(_request_session, scope="function")]
