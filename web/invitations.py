"""Answering an invitation from its e-mail link, without logging in; the dev mail outbox."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from db.models import Initiative, Match, Need
from services.api.deps import SessionDep
from services.auth.deps import web_permission
from services.config import get_settings
from services.errors import KoppelError, NotFound
from services.matching import followup
from services.notifications import service as notifications
from web.pages import templates

router = APIRouter()


def _page(request: Request, session, token: str, accept: bool, answered: bool):
    match = session.get(Match, notifications.match_for_token(token))
    if match is None:
        raise NotFound("Deze uitnodiging bestaat niet meer.")
    need = session.get(Need, match.need_id)
    initiative = session.get(Initiative, need.initiative_id)
    return templates.TemplateResponse(request, "invitation.html", {
        "accept": accept, "answered": answered, "match": match, "need": need,
        "initiative": initiative, "token": token})


@router.get("/i/{token}/accept", response_class=HTMLResponse, name="invitation_accept",
            dependencies=[web_permission("invitation.respond")])
def accept_form(request: Request, session: SessionDep, token: str):
    """Confirm taking part (a GET only shows the question: mail scanners follow links)."""
    return _page(request, session, token, accept=True, answered=False)


@router.post("/i/{token}/accept", response_class=HTMLResponse, name="invitation_accept_post",
             dependencies=[web_permission("invitation.respond")])
def accept(request: Request, session: SessionDep, token: str):
    """Take part: the match becomes active."""
    notifications.respond(session, token, accept=True)
    return _page(request, session, token, accept=True, answered=True)


@router.get("/i/{token}/decline", response_class=HTMLResponse, name="invitation_decline",
            dependencies=[web_permission("invitation.respond")])
def decline_form(request: Request, session: SessionDep, token: str):
    """Confirm saying no."""
    return _page(request, session, token, accept=False, answered=False)


@router.post("/i/{token}/decline", response_class=HTMLResponse,
             name="invitation_decline_post", dependencies=[web_permission("invitation.respond")])
def decline(request: Request, session: SessionDep, token: str):
    """Say no: the match is closed and the broker can pick the next suggestion."""
    notifications.respond(session, token, accept=False)
    return _page(request, session, token, accept=False, answered=True)


@router.get("/dev/mail", response_class=HTMLResponse, name="dev_mail",
            dependencies=[web_permission("system.public")])
def dev_mail(request: Request, session: SessionDep):
    """Development only: the messages Koppel would have sent, so the flow can be tried."""
    if get_settings().env != "development":
        raise NotFound("Deze pagina bestaat niet.")
    return templates.TemplateResponse(request, "dev_mail.html",
                                      {"mails": notifications.recent(session)})


@router.get("/i/{token}/gelukt", response_class=HTMLResponse, name="follow_up_form",
            dependencies=[web_permission("invitation.respond")])
def follow_up_form(request: Request, session: SessionDep, token: str):
    """Ask "Is de hulp gelukt?"."""
    match = notifications.match_from_link(session, token)
    return templates.TemplateResponse(request, "follow_up.html", {
        "match": match, "token": token, "need": session.get(Need, match.need_id),
        "saved": False})


@router.post("/i/{token}/gelukt", response_class=HTMLResponse, name="follow_up_answer",
             dependencies=[web_permission("invitation.respond")])
async def follow_up_answer(request: Request, session: SessionDep, token: str):
    """Store the answer; the first answer counts."""
    match = notifications.match_from_link(session, token)
    outcome = (await request.form()).get("outcome", "")
    followup.record_outcome(session, match, str(outcome))
    return templates.TemplateResponse(request, "follow_up.html", {
        "match": match, "token": token, "need": session.get(Need, match.need_id),
        "saved": True})


@router.get("/i/{token}/uren", response_class=HTMLResponse, name="hours_form",
            dependencies=[web_permission("invitation.respond")])
def hours_form(request: Request, session: SessionDep, token: str):
    """Log hours given, without logging in."""
    match = notifications.match_from_link(session, token)
    return templates.TemplateResponse(request, "hours.html", {
        "match": match, "token": token, "need": session.get(Need, match.need_id),
        "saved": False, "error": None})


@router.post("/i/{token}/uren", response_class=HTMLResponse, name="hours_log",
             dependencies=[web_permission("invitation.respond")])
async def hours_log(request: Request, session: SessionDep, token: str):
    """Store the hours."""
    match = notifications.match_from_link(session, token)
    form = await request.form()
    error = None
    try:
        hours = float(str(form.get("hours", "")).replace(",", "."))
        on_date = date.fromisoformat(str(form.get("on_date", "")))
        followup.log_hours(session, match, by=match.resource_kind, hours=hours,
                           on_date=on_date, note=str(form.get("note", "")))
    except ValueError:
        error = "Vul een aantal uren en een datum in."
    except KoppelError as exc:
        error = next(iter(exc.fields.values()), exc.detail)
    return templates.TemplateResponse(request, "hours.html", {
        "match": match, "token": token, "need": session.get(Need, match.need_id),
        "saved": error is None, "error": error}, status_code=200 if error is None else 422)
