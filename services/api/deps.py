"""Named dependencies shared by every router."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from db.session import unit_of_work


def _session() -> Iterator[Session]:
    with unit_of_work() as session:
        yield session


# scope="function": the transaction commits before the response is sent, so a client never
# reads a 2xx for a write that did not commit.
SessionDep = Annotated[Session, Depends(_session, scope="function")]
