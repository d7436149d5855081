"""All tables, one module per aggregate; importing this package registers them all."""

from sqlmodel import SQLModel

# Named constraints keep migrations reproducible on PostgreSQL and SQLite alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from db.models.accounts import (  # noqa: E402
    ApiToken,
    LoginThrottle,
    Organisation,
    User,
    WebSession,
)
from db.models.audit import AuditEvent  # noqa: E402
from db.models.brokerage import EscalationStep, Intake, Referral, ResidentContact  # noqa: E402
from db.models.initiatives import Initiative, InitiativeLabel, Need, Offer  # noqa: E402
from db.models.mail import MailMessage  # noqa: E402
from db.models.matching import HoursLog, Match, MatchingRun  # noqa: E402
from db.models.municipalities import Municipality  # noqa: E402
from db.models.outbox import DeadLetter, OutboxMessage  # noqa: E402
from db.models.people import ParticipationClient, Volunteer  # noqa: E402
from db.models.resources import Fund, FundCall, Grant, Instrument  # noqa: E402
from db.models.searches import SavedSearch  # noqa: E402  (saved searches)

metadata = SQLModel.metadata

__all__ = [
    "EscalationStep",
    "Intake",
    "Referral",
    "ResidentContact",
    "Fund",
    "HoursLog",
    "FundCall",
    "Grant",
    "Instrument",
    "MailMessage",
    "Match",
    "MatchingRun",
    "ApiToken",
    "AuditEvent",
    "LoginThrottle",
    "Organisation",
    "ParticipationClient",
    "User",
    "Volunteer",
    "WebSession",
    "Initiative",
    "InitiativeLabel",
    "Municipality",
    "Need",
    "Offer",
    "OutboxMessage",
    "DeadLetter",
    "SavedSearch",
    "metadata",
]

# Issue 16: case notes on a need's case file.
from db.models.brokerage import CaseNote  # noqa: E402

__all__ += ["CaseNote"]
from db.models.prices import PriceEntry  # noqa: E402  (social price list)

__all__ += ["PriceEntry"]
from db.models.monitoring import DashboardSnapshot  # noqa: E402  (municipal dashboard)

__all__ += ["DashboardSnapshot"]
