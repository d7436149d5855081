"""Answering an invitation or a follow-up from its e-mail link, without logging in."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from core.errors import KoppelError
from core.permissions import permission
from db.models import Initiative, Match, Need
from db.session import SessionDep
from services.brokerage import followup
from services.brokerage.schemas import HoursIn
from web.deps import render
from web.forms import decimal_comma, form_of

# The signed link in the e-mail is the credential.
router = APIRouter(dependencies=[permission("invitation.respond")])
HOURS_LABELS = {"hours": "Aantal uren", "on_date": "Datum", "note": "Opmerking"}
HoursForm = form_of(HoursIn, labels=HOURS_LABELS, prepare=decimal_comma("hours"))


def _context(session, match: Match, token: str, **extra) -> dict:
    need = session.get(Need, match.need_id)
    return {"match": match, "need": need, "token": token,
            "initiative": session.get(Initiative, need.initiative_id)} | extra


def _invitation(request: Request, session, token: str, *, accept: bool, answered: bool):
    match = followup.match_from_link(session, token)
    return render(request, "invitations/invitation.html",
                  _context(session, match, token, accept=accept, answered=answered))


@router.get("/i/{token}/accept", response_class=HTMLResponse, name="invitation_accept")
def accept_form(request: Request, session: SessionDep, token: str):
    """Confirm taking part (a GET only shows the question: mail scanners follow links)."""
    return _invitation(request, session, token, accept=True, answered=False)


@router.post("/i/{token}/accept", response_class=HTMLResponse, name="invitation_accept_post")
def accept(request: Request, session: SessionDep, token: str):
    """Take part: the match becomes active."""
    followup.respond(session, token, accept=True)
    return _invitation(request, session, token, accept=True, answered=True)


@router.get("/i/{token}/decline", response_class=HTMLResponse, name="invitation_decline")
def decline_form(request: Request, session: SessionDep, token: str):
    """Confirm saying no."""
    return _invitation(request, session, token, accept=False, answered=False)


@router.post("/i/{token}/decline", response_class=HTMLResponse,
             name="invitation_decline_post")
def decline(request: Request, session: SessionDep, token: str):
    """Say no: the match is closed and the broker can pick the next suggestion."""
    followup.respond(session, token, accept=False)
    return _invitation(request, session, token, accept=False, answered=True)


@router.get("/i/{token}/gelukt", response_class=HTMLResponse, name="follow_up_form")
def follow_up_form(request: Request, session: SessionDep, token: str):
    """Ask "Is de hulp gelukt?"."""
    match = followup.match_from_link(session, token)
    return render(request, "invitations/follow_up.html",
                  _context(session, match, token, saved=False))


@router.post("/i/{token}/gelukt", response_class=HTMLResponse, name="follow_up_answer")
def follow_up_answer(request: Request, session: SessionDep, token: str,
                     outcome: Annotated[str, Form(max_length=20)] = ""):
    """Store the answer; the first answer counts."""
    match = followup.match_from_link(session, token)
    followup.record_outcome(session, match, outcome)
    return render(request, "invitations/follow_up.html",
                  _context(session, match, token, saved=True))


@router.get("/i/{token}/uren", response_class=HTMLResponse, name="hours_form")
def hours_form(request: Request, session: SessionDep, token: str):
    """Log hours given, without logging in."""
    match = followup.match_from_link(session, token)
    return render(request, "invitations/hours.html",
                  _context(session, match, token, saved=False, errors={}, values={},
                           summary=[]))


@router.post("/i/{token}/uren", response_class=HTMLResponse, name="hours_log")
def hours_log(request: Request, session: SessionDep, token: str, form: HoursForm):
    """Store the hours."""
    match = followup.match_from_link(session, token)
    if form.ok:
        try:
            followup.log_hours(session, match, by=match.resource_kind, hours=form.data.hours,
                               on_date=form.data.on_date, note=form.data.note)
        except KoppelError as exc:
            form.refuse(exc)
    return render(request, "invitations/hours.html",
                  _context(session, match, token, saved=form.ok, errors=form.errors,
                           values=form.values, summary=form.summary()),
                  200 if form.ok else 422)
