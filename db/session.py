"""Session factory and the unit of work that owns every transaction."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from db.engine import get_engine

SessionFactory = sessionmaker(class_=Session, expire_on_commit=False, autoflush=True)

_AFTER_COMMIT = "koppel_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run callback once the unit of work that owns session has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


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
        raise
    else:
        callbacks = session.info.pop(_AFTER_COMMIT, [])
        for callback in callbacks:
            callback()
    finally:
        session.close()
