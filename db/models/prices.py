"""A municipality's social price list: every change of an amount is a new row (history kept)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class PriceEntry(SQLModel, table=True):
    """One amount for one item of the price list, as set by someone at some moment.

    The newest row per (municipality, item) is the amount in force; no row means the default
    from the sourced list (core/prices). Rows are never updated, so the history is the table.
    """

    __tablename__ = "price_entry"
    __table_args__ = (
        CheckConstraint("value_cents >= 0", name="value_not_negative"),
        Index("ix_price_entry_current", "municipality_code", "item_code", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_code: str = Field(foreign_key="municipality.code", max_length=6)
    item_code: str = Field(max_length=60)
    # Whole cents: exact on both databases, no float rounding in a euro figure.
    value_cents: int
    changed_by: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True))
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
