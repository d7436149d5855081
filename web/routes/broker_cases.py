"""The case file of a need (/broker/zaken/{need_id}): proposals, timeline, contacts, notes."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.fields import Id
from core.permissions import Actor, Allowed
from db.session import SessionDep
from services.brokerage import cases, notes
from web.deps import render
from web.forms import Form, form_of

router = APIRouter(prefix="/broker/zaken")
NOTE_LABELS = {"text": "Notitie"}
NoteForm = form_of(notes.NoteIn, labels=NOTE_LABELS)


def _page(request: Request, session, actor: Actor, need_id: int, form: Form,
          status_code: int = 200):
    return render(request, "broker/case.html", {
        "case": cases.case_file(session, actor, need_id), "form": form,
        "note_max": notes.NOTE_MAX, "saved": request.query_params.get("notitie") == "opgeslagen",
    }, status_code)


@router.get("/{need_id}", response_class=HTMLResponse, name="broker_case")
def broker_case(request: Request, session: SessionDep, actor: Allowed("case.read"),
                need_id: Id):
    """Everything about one need, newest first; the read is audited."""
    return _page(request, session, actor, need_id, Form(None, {}, {}, NOTE_LABELS))


@router.post("/{need_id}/notities", response_class=HTMLResponse, name="broker_case_note")
def broker_case_note(request: Request, session: SessionDep, actor: Allowed("case.note"),
                     need_id: Id, form: NoteForm):
    """Add a short note to the case file; a refused note comes back with its reason."""
    if form.ok:
        notes.add_note(session, actor, need_id, form.data)
        path = request.url_for("broker_case", need_id=need_id).path
        return RedirectResponse(f"{path}?notitie=opgeslagen#notities", status_code=303)
    cases.need_in_scope(session, actor, need_id, "case.note")  # 404 before saying anything
    return _page(request, session, actor, need_id, form, 422)
