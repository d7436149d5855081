"""The broker's workspace: the review queue, the match page, decisions and follow-up."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import NotFound
from core.fields import Id
from core.permissions import Allowed
from core.vocabulary import get_vocabulary
from db.session import SessionDep
from services.brokerage import cases, followup, review, views
from services.brokerage import service as brokerage
from services.brokerage.schemas import Rejection
from services.municipalities import service as places
from services.people import service as people
from web.deps import choices, render
from web.forms import form_of

router = APIRouter(prefix="/broker")
RejectionForm = form_of(Rejection)
KINDS = ("fund", "volunteer", "placement", "instrument")
AGE_CHOICES = [("1", "Vandaag"), ("7", "Afgelopen week"), ("30", "Afgelopen maand")]


QUEUE_KEYS = ("kind", "need_kind", "pc4", "age", "gemeente", "sort", "order", "page")
SORTS = [("score", "Score"), ("age", "Wachttijd"), ("kind", "Soort hulp")]
PER_PAGE = 20


def _filters(request: Request, actor) -> tuple[review.QueueFilters, dict[str, str]]:
    raw = {k: v for k in QUEUE_KEYS if (v := request.query_params.get(k, "").strip())}
    need_kinds = set(get_vocabulary().codes("support_needs"))
    # Only someone who sees every municipality picks one; a broker's own scope already narrows.
    picked = raw.get("gemeente") if actor.role == "admin" else None
    return review.QueueFilters(
        kind=raw.get("kind") if raw.get("kind") in KINDS else None,
        need_kind=raw.get("need_kind") if raw.get("need_kind") in need_kinds else None,
        pc4=raw.get("pc4") if raw.get("pc4", "").isdigit() else None,
        max_age_days=int(raw["age"]) if raw.get("age", "").isdigit() else None,
        municipality=picked if picked and len(picked) == 6 else None,
    ), raw


def _query(raw: dict[str, str], **change: str | int | None) -> str:
    """The queue's query string with some keys changed (None drops one): filters stay."""
    merged = {k: v for k, v in ({**raw, **change}).items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else ""


@router.get("", response_class=HTMLResponse, name="broker_start")
def broker_start(request: Request, session: SessionDep, actor: Allowed("broker.queue")):
    """The broker's start page: my open cases, what is overdue and what falls due soon."""
    chase = followup.to_chase(session, actor)
    mine = followup.my_open_cases(session, actor)
    waiting = review.queue_page(session, actor, review.QueueFilters(), per_page=1).total
    return render(request, "broker/start.html", {
        "mine": mine, "chase": chase, "waiting": waiting, "short": 5})


@router.get("/queue", response_class=HTMLResponse, name="broker_queue")
def broker_queue(request: Request, session: SessionDep, actor: Allowed("broker.queue")):
    """Proposed matches within reach, a page at a time, with filters, sorting and bulk approval."""
    filters, raw = _filters(request, actor)
    page_no = int(raw["page"]) if raw.get("page", "").isdigit() else 1
    sort = raw.get("sort") if raw.get("sort") in review.SORTS else "score"
    order = raw.get("order") if raw.get("order") in ("asc", "desc") else review.SORTS[sort]
    page = review.queue_page(session, actor, filters, sort=sort, order=order,
                             page=min(page_no, 10**6), per_page=PER_PAGE)
    keep = {k: v for k, v in raw.items() if k != "page"}
    municipalities = ([(m.code, m.name) for m in places.list_all(session)]
                      if actor.role == "admin" else [])
    where = ("in uw gemeente" if actor.role != "admin" else
             f"in {dict(municipalities).get(filters.municipality)}" if filters.municipality
             else "in alle gemeenten")
    return render(request, "broker/queue.html", {
        "rows": page.rows, "page": page, "filters": raw, "where": where,
        "municipalities": municipalities, "sort": sort, "order": order, "sorts": SORTS,
        "sort_query": {code: _query(keep, sort=code, order=None) for code, _l in SORTS},
        "flip_query": _query(keep, order="asc" if order == "desc" else "desc"),
        "prev_query": _query(keep, page=page.page - 1) if page.page > 1 else None,
        "next_query": _query(keep, page=page.page + 1) if page.page < page.pages else None,
        "here": _query({**keep, "page": str(page.page)}),
        "kinds": [(code, label) for code, label in choices("resource_kinds") if code in KINDS],
        "ages": AGE_CHOICES, "need_kinds": choices("support_needs"),
        "reasons": choices("rejection_reasons"),
        "done": request.query_params.get("done"), "error": request.query_params.get("error"),
    })


@router.get("/matches/{match_id}", response_class=HTMLResponse, name="broker_match")
def broker_match(request: Request, session: SessionDep, actor: Allowed("broker.queue"),
                 match_id: Id):
    """Both sides of a proposal and the reasons behind it."""
    match, need, initiative = review.get_in_scope(session, actor, match_id)
    resource = {"kind": match.resource_kind, "name": views.resource_name(session, match)}
    if match.resource_kind == "volunteer":
        try:
            volunteer = people.get_volunteer(session, actor, match.resource_id,
                                             "beoordeling voorstel")
        except NotFound:  # lives in another municipality: that broker introduces them
            resource["name"] = views.NEIGHBOUR
        else:
            resource |= {"name": views.volunteer_name(volunteer),
                         "details": people.volunteer_read(volunteer)}
    return render(request, "broker/match.html", {
        "match": match, "need": need, "initiative": initiative, "resource": resource,
        "reasons": choices("rejection_reasons"), "steps": choices("escalation_ladder"),
        "ladder": brokerage.ladder(session, need.id),
        "decidable": match.status == brokerage.MatchStatus.PROPOSED,
        "contacts": cases.contacts_of(session, actor, match, initiative),  # issue 16
    })


def _back(request: Request, **params: str) -> RedirectResponse:
    """Back to the queue page the decision came from (its filters, sort and page ride along
    on the form's action), with the outcome."""
    kept = {k: v for k in QUEUE_KEYS if (v := request.query_params.get(k, "").strip())}
    query = _query(kept, **params)
    return RedirectResponse(f"{request.url_for('broker_queue').path}{query}", status_code=303)


@router.post("/matches/{match_id}/approve", name="broker_approve")
def broker_approve(request: Request, session: SessionDep, actor: Allowed("match.decide"),
                   match_id: Id):
    """Approve one proposal."""
    invited = review.decide(session, actor, match_id, approve=True)
    return _back(request, done="approved" if invited else "approved-no-mail")


@router.post("/matches/{match_id}/reject", name="broker_reject")
def broker_reject(request: Request, session: SessionDep, actor: Allowed("match.decide"),
                  match_id: Id, form: RejectionForm):
    """Reject one proposal with a reason code and an optional note."""
    if not form.ok:
        return _back(request, error="note" if "note" in form.errors else "reason")
    review.decide(session, actor, match_id, approve=False, reason=form.data.reason,
                  note=form.data.note)
    return _back(request, done="rejected")


@router.post("/queue/approve", name="broker_bulk_approve")
def broker_bulk_approve(request: Request, session: SessionDep,
                        actor: Allowed("match.decide"),
                        match_id: Annotated[list[int] | None, Form()] = None):
    """Approve every checked proposal."""
    count = review.approve_many(session, actor, match_id or [])
    return _back(request, done=f"approved-{count}")


@router.get("/follow-up", response_class=HTMLResponse, name="broker_follow_up")
def broker_follow_up(request: Request, session: SessionDep, actor: Allowed("broker.queue")):
    """What is overdue (oldest first), and what falls due soon (soonest first)."""
    chase = followup.to_chase(session, actor)
    return render(request, "broker/follow_up.html", {
        "rows": chase.overdue, "chase": chase, "done": request.query_params.get("done")})


@router.post("/mails/{mail_id}/resend", name="broker_resend")
def broker_resend(request: Request, session: SessionDep, actor: Allowed("match.decide"),
                  mail_id: Id):
    """Send an invitation that did not get through once more."""
    followup.resend(session, actor, mail_id)
    return RedirectResponse(f"{request.url_for('broker_follow_up').path}?done=resent",
                            status_code=303)


@router.post("/matches/{match_id}/reinvite", name="broker_reinvite")
def broker_reinvite(request: Request, session: SessionDep, actor: Allowed("match.decide"),
                    match_id: Id):
    """Send the invitation once more."""
    followup.reinvite(session, actor, match_id)
    return RedirectResponse(f"{request.url_for('broker_follow_up').path}?done=reinvited",
                            status_code=303)


@router.post("/matches/{match_id}/next", name="broker_next")
def broker_next(request: Request, session: SessionDep, actor: Allowed("match.decide"),
                match_id: Id):
    """Stop waiting and pick the next suggestion from the queue."""
    followup.give_up(session, actor, match_id)
    return _back(request, done="next")
