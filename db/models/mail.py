"""E-mail messages, written with the change that causes them and sent by the worker."""

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class MailMessage(SQLModel, table=True):
    """One e-mail; (match, kind, recipient) is unique so an approval never mails twice."""

    __tablename__ = "mail_message"
    __table_args__ = (UniqueConstraint("match_id", "kind", "to_address",
                                       name="uq_mail_message_once"),)

    id: int | None = Field(default=None, primary_key=True)
    # Fixed when the mail is written, so every attempt carries the same Message-ID.
    message_id: str | None = Field(default=None, max_length=200, unique=True)
    match_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=30)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=200)
    body_text: str = Field(sa_type=Text)
    body_html: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Claimed (in its own committed transaction) just before talking to SMTP: a claimed mail
    # is never sent again, so a redelivered task cannot mail twice.
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    transport: str | None = Field(default=None, max_length=10)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
