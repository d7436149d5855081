"""SQL building blocks the dashboard sections share, the same on PostgreSQL and SQLite."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Float, case, cast, func, literal, select, union_all
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from core.privacy import suppressed
from db.models import Initiative
from db.types import utcnow

# The dashboard compares the last twelve months with the twelve before them.
PERIOD = timedelta(days=365)


@dataclass(frozen=True)
class Period:
    """This period [start, end) and the one before it [previous_start, start)."""

    end: datetime
    start: datetime
    previous_start: datetime

    @classmethod
    def last_year(cls, now: datetime | None = None) -> "Period":
        """The rolling year up to now, and the year before it."""
        end = now or utcnow()
        return cls(end=end, start=end - PERIOD, previous_start=end - 2 * PERIOD)


def dialect(session: Session) -> str:
    """"postgresql" or "sqlite"."""
    return session.get_bind().dialect.name


def month_of(session: Session, column) -> ColumnElement:
    """"YYYY-MM" of a UTC timestamp column."""
    if dialect(session) == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def days_between(session: Session, later, earlier) -> ColumnElement:
    """Days (fractional) from earlier to later."""
    if dialect(session) == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def json_items(session: Session, column):
    """A table-valued function over a JSON list column, one row per element in `.c.value`."""
    name = "json_array_elements_text" if dialect(session) == "postgresql" else "json_each"
    return getattr(func, name)(column).table_valued("value")


def json_length(column) -> ColumnElement:
    """Length of a JSON list column (the same function name on both databases)."""
    return func.json_array_length(column)


def share(condition) -> ColumnElement:
    """The share of rows (0..1) for which condition holds, as an aggregate."""
    return func.avg(case((condition, literal(1.0)), else_=literal(0.0)))


def as_float(expr) -> ColumnElement:
    """An expression as a float column."""
    return cast(expr, Float)


def in_municipality(stmt: Select, code: str | None) -> Select:
    """Narrow a statement that joins Initiative to one municipality (None: every one)."""
    return stmt if code is None else stmt.where(Initiative.municipality_code == code)


def count_cell(count: int | None) -> int | str:
    """A count as it may be shown (below 5 reads "<5")."""
    return suppressed(int(count or 0))


def change(current: int, previous: int) -> int | None:
    """The difference between two periods, only when neither side had to be suppressed."""
    if isinstance(count_cell(current), str) or isinstance(count_cell(previous), str):
        return None
    return current - previous


def constant_rows(name: str, columns: tuple[str, ...], rows: list[tuple]):
    """A small constant table as a subquery (SQLite has no column list on VALUES)."""
    selects = [select(*[literal(v).label(c) for c, v in zip(columns, row, strict=True)])
               for row in rows]
    return union_all(*selects).subquery(name)
