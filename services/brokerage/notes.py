"""Case notes: short notes brokers and staff keep on a need, seen only in its case file."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from sqlmodel import Session

from core.fields import STRICT
from core.permissions import Actor
from core.privacy import NoBsn
from db.models import CaseNote
from services.audit import service as audit
from services.brokerage.cases import need_in_scope
from services.brokerage.timeline import user_names

NOTE_MAX = 1000


class NoteIn(BaseModel):
    """A new case note."""

    model_config = STRICT

    text: Annotated[str, Field(min_length=1, max_length=NOTE_MAX), NoBsn]


class NoteRead(BaseModel):
    """A stored case note."""

    id: int
    need_id: int
    text: str
    author: str
    created_at: datetime


def add_note(session: Session, actor: Actor, need_id: int, data: NoteIn) -> NoteRead:
    """Store a note on a need of the actor's municipality; audited like every such write."""
    _need, initiative = need_in_scope(session, actor, need_id, "case.note")
    note = CaseNote(need_id=need_id, municipality_code=initiative.municipality_code,
                    text=data.text, by_user_id=actor.user_id)
    session.add(note)
    session.flush()
    audit.record_access(session, actor, action="create", subject_type="case_note",
                        subject_id=note.id, purpose="notitie bij dossier",
                        municipality_code=initiative.municipality_code)
    author = user_names(session, {actor.user_id}).get(actor.user_id, "Makelaar")
    return NoteRead(id=note.id, need_id=need_id, text=note.text, author=author,
                    created_at=note.created_at)
