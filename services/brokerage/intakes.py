"""Intakes that live: the history per initiative, one intake read and corrected, the chart."""

from dataclasses import dataclass

from sqlmodel import Session, select

from core.errors import NotFound
from core.permissions import Actor, scoped
from core.vocabulary import get_vocabulary
from db.models import Initiative, Intake
from db.types import utcnow
from services.brokerage.schemas import IntakeCreate
from services.initiatives import service as initiatives


def _stmt(actor: Actor):
    stmt = select(Intake, Initiative).join(Initiative, Initiative.id == Intake.initiative_id)
    return scoped(stmt, actor, "broker.intake", Intake)


def get(session: Session, actor: Actor, intake_id: int) -> tuple[Intake, Initiative]:
    """One intake within reach, or NotFound."""
    found = session.exec(_stmt(actor).where(Intake.id == intake_id)).first()
    if found is None:
        raise NotFound(f"Intake {intake_id} bestaat niet.")
    return found


def history(session: Session, actor: Actor, initiative_id: int) -> list[Intake]:
    """Every intake of one initiative within reach, newest first."""
    return [intake for intake, _i in session.exec(
        _stmt(actor).where(Intake.initiative_id == initiative_id)
        .order_by(Intake.created_at.desc(), Intake.id.desc()))]


def recent(session: Session, actor: Actor, *, initiative_id: int | None = None,
           limit: int = 50) -> list[tuple[Intake, Initiative]]:
    """The latest intakes within reach (of one initiative, if given), newest first."""
    stmt = _stmt(actor)
    if initiative_id is not None:
        stmt = stmt.where(Intake.initiative_id == initiative_id)
    return list(session.exec(stmt.order_by(Intake.created_at.desc(), Intake.id.desc())
                             .limit(limit)))


def update(session: Session, actor: Actor, intake_id: int, data: IntakeCreate) -> Intake:
    """Correct an intake; it stays with its initiative and keeps its date."""
    intake, _initiative = get(session, actor, intake_id)
    initiatives.get_editable(session, actor, intake.initiative_id)  # still the actor's to edit
    for name, value in data.model_dump(exclude={"initiative_id"}).items():
        setattr(intake, name, value)
    intake.updated_at, intake.updated_by_user_id = utcnow(), actor.user_id
    session.flush()
    return intake


@dataclass
class Bar:
    """One scale as the chart draws it."""

    code: str
    label: str
    score: int | None
    y: int
    width: float


def chart(intake: Intake, *, width: int = 200, row: int = 22) -> list[Bar]:
    """The twelve scales as bars of a small SVG (the numbers are also printed as text)."""
    bars = []
    for n, item in enumerate(get_vocabulary().items("intake_scales")):
        score = intake.scores.get(item["code"])
        bars.append(Bar(item["code"], item["nl"], score, n * row,
                        round(width * (score or 0) / 10, 1)))
    return bars
