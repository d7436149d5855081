"""Municipality: the tenant unit, identified by its CBS code."""

from sqlmodel import Field, SQLModel


class Municipality(SQLModel, table=True):
    """A Dutch municipality (gemeente)."""

    __tablename__ = "municipality"

    code: str = Field(primary_key=True, max_length=6, description="CBS code such as GM0392")
    name: str = Field(max_length=120)
    province_code: str | None = Field(default=None, max_length=4, description="e.g. PV27")
