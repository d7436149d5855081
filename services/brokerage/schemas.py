"""Forms brokers fill in: a need for an offline resident, an intake, an escalation step."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, EmailStr, Field, field_validator

from core.fields import (
    STRICT,
    BodyId,
    Day,
    HelpedBucket,
    NeedKind,
    NeedVisibility,
    Phone,
    ProfessionalBucket,
    VolunteerBucket,
    code_of,
)
from core.privacy import NoBsn
from core.vocabulary import get_vocabulary

Step = code_of("escalation_ladder", "stap")
RejectionReason = code_of("rejection_reasons", "reden")


class ResidentNeed(BaseModel):
    """A need posted by a broker for a resident who is not online."""

    model_config = STRICT

    initiative_id: BodyId
    kind: NeedKind
    title: Annotated[str, Field(min_length=1, max_length=200), NoBsn]
    description: Annotated[str, Field(max_length=2000), NoBsn] = ""
    hours_per_week: Annotated[float, Field(ge=0, le=40)] | None = None
    # The resident's own story stays with brokers unless the broker chooses, knowingly.
    visibility: NeedVisibility = "brokers"
    resident_name: Annotated[str, Field(min_length=1, max_length=200), NoBsn]
    resident_phone: Phone | None = None


class IntakeCreate(BaseModel):
    """The intake list: twelve 10-point scales, support needs and size buckets."""

    model_config = STRICT

    initiative_id: BodyId
    scores: dict[str, Annotated[int, Field(ge=1, le=10)]]
    support_needs: list[NeedKind] = []
    size_volunteers: VolunteerBucket | None = None
    size_professionals: ProfessionalBucket | None = None
    size_people_helped: HelpedBucket | None = None

    @field_validator("scores")
    @classmethod
    def _all_scales(cls, value: dict[str, int]) -> dict[str, int]:
        codes = get_vocabulary().codes("intake_scales")
        unknown = set(value) - set(codes)
        if unknown:
            raise ValueError(f"onbekende schaal: {', '.join(sorted(unknown))}")
        missing = [c for c in codes if c not in value]
        if missing:
            raise ValueError(f"vul alle {len(codes)} schalen in ({len(missing)} ontbreken)")
        return value


class Escalation(BaseModel):
    """One step up the ladder; the last step needs a partner and a reason."""

    model_config = STRICT

    step: Step
    note: Annotated[str, Field(max_length=1000), NoBsn] = ""
    partner: Annotated[str, Field(max_length=200), NoBsn] = ""
    reason: Annotated[str, Field(max_length=1000), NoBsn] = ""


class Rejection(BaseModel):
    """Why a broker turns a proposal down."""

    model_config = STRICT

    reason: RejectionReason
    note: Annotated[str, Field(max_length=1000), NoBsn] = ""


class HoursIn(BaseModel):
    """Hours given through a match."""

    model_config = STRICT

    hours: Annotated[float, Field(gt=0, le=24)]
    on_date: Day
    note: Annotated[str, Field(max_length=500), NoBsn] = ""


class HoursRead(BaseModel):
    """Hours as stored."""

    id: int
    match_id: int
    hours: float
    on_date: date
    logged_by: str


# Mijn initiatief: the initiative's answer to a suggestion or an offer of help.
class MatchAnswer(BaseModel):
    """The initiative's answer: interested or not a fit, with an optional reason."""

    model_config = STRICT

    answer: Literal["interested", "not_a_fit"]
    reason: Annotated[str, Field(max_length=500), NoBsn] | None = None


class MatchAnswered(BaseModel):
    """A match after the initiative's answer."""

    id: int
    need_id: int
    resource_kind: str
    resource_id: int
    call_id: int | None
    score: float
    reasons: list[dict[str, Any]]
    explanation: str
    status: str
    initiative_response: str | None
    initiative_response_reason: str | None
    initiative_response_at: datetime | None
    created_at: datetime


ReferralStatus = code_of("referral_statuses", "status")
ReferralOutcome = code_of("referral_outcomes", "uitkomst")


class ReferralUpdate(BaseModel):
    """A partial change to a referral: where it stands, how it ended, who the contact is."""

    model_config = STRICT

    status: ReferralStatus | None = None
    outcome: ReferralOutcome | None = None
    outcome_note: Annotated[str, Field(max_length=1000), NoBsn] | None = None
    partner: Annotated[str, Field(min_length=1, max_length=200), NoBsn] | None = None
    contact_name: Annotated[str, Field(max_length=200), NoBsn] | None = None
    contact_phone: Phone | None = None
    contact_email: Annotated[EmailStr, Field(max_length=254)] | None = None


class ReferralRead(BaseModel):
    """A referral as the API shows it (with the contact person: the read is audited)."""

    id: int
    need_id: int
    partner: str
    reason: str
    status: str
    outcome: str | None
    outcome_note: str
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    created_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None
