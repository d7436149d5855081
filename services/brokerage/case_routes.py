"""JSON API for a need's case file: its timeline and its notes (brokers, staff, admins)."""

from fastapi import APIRouter, status
from pydantic import BaseModel

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.brokerage import cases, notes

router = APIRouter(prefix="/needs", tags=["cases"], responses=ERROR_RESPONSES)


class TimelineItem(BaseModel):
    """One step: when (ISO), what (a stable code), who and what happened (Dutch)."""

    at: str
    kind: str
    actor: str
    text: str


class Timeline(BaseModel):
    """A need's history, newest first."""

    items: list[TimelineItem]


@router.get("/{need_id}/timeline", response_model=Timeline, name="api_need_timeline")
def need_timeline(session: SessionDep, actor: Allowed("case.read"), need_id: Id):
    """Everything that happened to a need, newest first; 404 outside the caller's
    municipality. The read is audited."""
    items = cases.read_timeline(session, actor, need_id)
    return Timeline(items=[TimelineItem(**item.as_json()) for item in items])


@router.post("/{need_id}/notes", response_model=notes.NoteRead,
             status_code=status.HTTP_201_CREATED, name="api_need_note")
def add_note(session: SessionDep, actor: Allowed("case.note"), need_id: Id,
             data: notes.NoteIn):
    """Add a short case note (at most 1000 characters, never a BSN); audited."""
    return notes.add_note(session, actor, need_id, data)
