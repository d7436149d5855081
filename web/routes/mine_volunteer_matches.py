"""Mijn vrijwilligerswerk, the matches: answer invitations, see who to contact, log hours."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import KoppelError, NotFound
from core.fields import Id
from core.permissions import Actor, Allowed
from db.session import SessionDep
from db.types import local_today
from services.brokerage import service as brokerage
from services.brokerage.schemas import HoursIn
from web.deps import render
from web.forms import decimal_comma, form_of

router = APIRouter(prefix="/mijn/vrijwilliger/koppelingen")
HOURS_LABELS = {"hours": "Aantal uren", "on_date": "Datum", "note": "Wat heeft u gedaan?"}
HoursForm = form_of(HoursIn, labels=HOURS_LABELS, prepare=decimal_comma("hours"))
DONE = {"accepted", "declined", "hours", "outcome", "withdrawn"}


def _page(request: Request, session, actor: Actor, *, done: str | None = None,
          hours_for: int | None = None, hours_form=None, status_code: int = 200):
    sections = brokerage.my_matches(session, actor)
    return render(request, "mine/volunteer_matches.html", {
        "sections": sections, "done": done if done in DONE else None, "today": local_today(),
        "hours_for": hours_for,
        "hours_values": hours_form.values if hours_form else {},
        "hours_errors": hours_form.errors if hours_form else {},
        "hours_summary": hours_form.summary() if hours_form else [],
    }, status_code)


def _back(request: Request, done: str, match_id: int) -> RedirectResponse:
    path = request.url_for("my_volunteer_matches").path
    return RedirectResponse(f"{path}?done={done}#koppeling-{match_id}", status_code=303)


@router.get("", response_class=HTMLResponse, name="my_volunteer_matches")
def my_volunteer_matches(request: Request, session: SessionDep,
                         actor: Allowed("mine.volunteer")):
    """Invitations, offers of help, active and past matches."""
    return _page(request, session, actor, done=request.query_params.get("done"))


@router.post("/{match_id}/accept", name="my_volunteer_accept")
def my_volunteer_accept(request: Request, session: SessionDep,
                        actor: Allowed("volunteer.respond"), match_id: Id):
    """Say yes to an invitation: the match becomes active, as with the e-mail link."""
    brokerage.answer_invitation(session, actor, match_id, accept=True)
    return _back(request, "accepted", match_id)


@router.post("/{match_id}/decline", name="my_volunteer_decline")
def my_volunteer_decline(request: Request, session: SessionDep,
                         actor: Allowed("volunteer.respond"), match_id: Id):
    """Say no to an invitation: the broker can ask someone else."""
    brokerage.answer_invitation(session, actor, match_id, accept=False)
    return _back(request, "declined", match_id)


@router.post("/{match_id}/uren", response_class=HTMLResponse, name="my_volunteer_hours")
def my_volunteer_hours(request: Request, session: SessionDep, actor: Allowed("hours.log"),
                       match_id: Id, form: HoursForm):
    """Log hours given through an active match."""
    if form.ok:
        try:
            brokerage.log_my_hours(session, actor, match_id, hours=form.data.hours,
                                   on_date=form.data.on_date, note=form.data.note)
        except NotFound:
            raise
        except KoppelError as exc:
            form.refuse(exc)
    elif match_id not in {m.match.id for group in brokerage.my_matches(session, actor).values()
                          for m in group}:
        raise NotFound(f"Koppeling {match_id} bestaat niet.")
    if not form.ok:
        return _page(request, session, actor, hours_for=match_id, hours_form=form,
                     status_code=422)
    return _back(request, "hours", match_id)


@router.post("/{match_id}/gelukt", name="my_volunteer_outcome")
def my_volunteer_outcome(request: Request, session: SessionDep,
                         actor: Allowed("volunteer.respond"), match_id: Id,
                         outcome: Annotated[str, Form(max_length=20)] = ""):
    """The volunteer's answer to "Is de hulp gelukt?"; the match moves to the past."""
    brokerage.record_my_outcome(session, actor, match_id, outcome)
    return _back(request, "outcome", match_id)


@router.post("/{match_id}/intrekken", name="my_volunteer_withdraw")
def my_volunteer_withdraw(request: Request, session: SessionDep,
                          actor: Allowed("volunteer.respond"), match_id: Id):
    """Take back an offer of help the initiative has not answered yet."""
    brokerage.withdraw_offer(session, actor, match_id)
    return _back(request, "withdrawn", match_id)
