"""Consulent: the consultant's pseudonymous clients, their placement suggestions and decisions."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core import nl
from core.config import get_settings
from core.errors import KoppelError, NotFound
from core.fields import Id
from core.permissions import Actor, Allowed
from db.session import SessionDep
from services.brokerage import service as brokerage
from services.brokerage.schemas import Rejection
from services.people import service as people
from services.people.schemas import ClientCreate, ClientRead, ClientUpdate
from web.deps import choices, render
from web.forms import Form, decimal_comma, form_of
from web.routes.mine_volunteer import availability_grid

router = APIRouter(prefix="/consulent")
LABELS = {"pseudonym": "Pseudoniem", "skills": "Wat kan de cliënt goed?",
          "availability": "Wanneer kan de cliënt?", "capacity_hours_per_week": "Uren per week",
          "restrictions": "Waar moet de plek rekening mee houden?", "route": "Route",
          "pc4": "Postcode (4 cijfers)", "reason": "Reden", "note": "Toelichting"}
# Clearer than the general wording for the fields people most often get wrong.
PLAIN_ERRORS = {
    "pseudonym": ("gebruik alleen letters, cijfers, spaties, punten, streepjes en "
                  "apostroffen, van 2 tot 60 tekens"),
    "capacity_hours_per_week": "kies meer dan 0 en hoogstens 40 uur per week",
}
DONE = {"created", "saved", "closed", "reopened", "approved", "approved-no-mail", "rejected",
        "accepted", "declined"}
_read_dutch_numbers = decimal_comma("capacity_hours_per_week")


def _prepare_edit(data: dict[str, Any]) -> dict[str, Any]:
    """An unticked box or an emptied postcode means "none" here, not "unchanged"."""
    data = _read_dutch_numbers(data)
    for name in ("skills", "availability", "restrictions"):
        data.setdefault(name, [])
    data.setdefault("pc4", None)
    return data


NewClientForm = form_of(ClientCreate, labels=LABELS, prepare=_read_dutch_numbers)
ClientForm = form_of(ClientUpdate, labels=LABELS, prepare=_prepare_edit)
RejectionForm = form_of(Rejection, labels=LABELS)


def _plain(form: Form | None) -> None:
    if form is None:
        return
    for name, reason in PLAIN_ERRORS.items():
        # A BSN, a taken pseudonym or an empty field keeps its own, more precise message.
        if name in form.errors and not any(word in form.errors[name] for word in
                                           ("BSN", "al in gebruik", "verplicht")):
            form.errors[name] = reason


def _options() -> dict[str, Any]:
    return {"skills": choices("skills"), "restrictions": choices("client_restrictions"),
            "routes": choices("participation_act_routes"), "grid": availability_grid(),
            "labels": LABELS}


def _values_of(client: ClientRead) -> dict[str, Any]:
    return {"pseudonym": client.pseudonym, "skills": client.skills,
            "availability": client.availability, "restrictions": client.restrictions,
            "route": client.route, "pc4": client.pc4 or "",
            "capacity_hours_per_week": nl.number(client.capacity_hours_per_week, 1)}


def _home(request: Request, session, actor: Actor, form: Form | None = None,
          status_code: int = 200):
    _plain(form)
    clients, _next = people.list_clients(session, actor, limit=500,
                                         purpose="overzicht cliënten (web)")
    reads = sorted((people.client_read(c) for c in clients),
                   key=lambda c: (c.closed_at is not None, c.pseudonym.casefold()))
    return render(request, "consultant/home.html", _options() | {
        "clients": reads, "waiting": brokerage.waiting_counts(session, [c.id for c in reads]),
        "values": form.values if form else {"capacity_hours_per_week": "4"},
        "errors": form.errors if form else {}, "summary": form.summary() if form else [],
    }, status_code)


@router.get("", response_class=HTMLResponse, name="consultant_home")
def consultant_home(request: Request, session: SessionDep, actor: Allowed("client.list")):
    """The caseload: every client with route, hours, status and waiting suggestions."""
    return _home(request, session, actor)


@router.post("/clienten", response_class=HTMLResponse, name="consultant_client_create")
def consultant_client_create(request: Request, session: SessionDep,
                             actor: Allowed("client.create"), form: NewClientForm):
    """Register a client under a pseudonym; errors in Dutch next to the fields."""
    if form.ok:
        try:
            client = people.create_client(session, actor, form.data)
        except KoppelError as exc:
            form.refuse(exc)
    if not form.ok:
        return _home(request, session, actor, form, status_code=422)
    return _to_client(request, client.id, "created")


def _to_client(request: Request, client_id: int, done: str) -> RedirectResponse:
    path = request.url_for("consultant_client", client_id=client_id).path
    return RedirectResponse(f"{path}?done={done}", status_code=303)


def _client_page(request: Request, session, actor: Actor, client_id: int,
                 form: Form | None = None, *, purpose: str = "dossier bekijken (web)",
                 reject_errors: dict | None = None, status_code: int = 200):
    _plain(form)
    client = people.get_client(session, actor, client_id, purpose)
    done = request.query_params.get("done")
    return render(request, "consultant/client.html", _options() | {
        "client": client, "placements": brokerage.placements_of(session, client.id),
        "values": form.values if form else _values_of(client),
        "errors": form.errors if form else {}, "summary": form.summary() if form else [],
        "reasons": choices("rejection_reasons"), "reject_errors": reject_errors or {},
        "retention_months": get_settings().retention_closed_client_months,
        "done": done if done in DONE else None,
    }, status_code)


@router.get("/clienten/{client_id}", response_class=HTMLResponse, name="consultant_client")
def consultant_client(request: Request, session: SessionDep, actor: Allowed("client.list"),
                      client_id: Id):
    """One client: the record, its placement suggestions with reasons, and the decisions."""
    return _client_page(request, session, actor, client_id)


@router.post("/clienten/{client_id}", response_class=HTMLResponse,
             name="consultant_client_save")
def consultant_client_save(request: Request, session: SessionDep,
                           actor: Allowed("client.update"), client_id: Id, form: ClientForm):
    """Save changes to the client record."""
    if form.ok:
        try:
            people.update_client(session, actor, client_id, form.data, "dossier bijwerken (web)")
        except KoppelError as exc:
            if isinstance(exc, NotFound):
                raise
            form.refuse(exc)
    if not form.ok:
        return _client_page(request, session, actor, client_id, form, status_code=422)
    return _to_client(request, client_id, "saved")


def _set_closed(session, actor: Actor, client_id: int, closed: bool) -> None:
    people.update_client(session, actor, client_id, ClientUpdate(closed=closed),
                         "dossier gesloten (web)" if closed else "dossier heropend (web)")


@router.post("/clienten/{client_id}/sluiten", name="consultant_client_close")
def consultant_client_close(request: Request, session: SessionDep,
                            actor: Allowed("client.update"), client_id: Id):
    """Close the record: no new suggestions; erased after the retention period."""
    _set_closed(session, actor, client_id, True)
    return _to_client(request, client_id, "closed")


@router.post("/clienten/{client_id}/heropenen", name="consultant_client_reopen")
def consultant_client_reopen(request: Request, session: SessionDep,
                             actor: Allowed("client.update"), client_id: Id):
    """Open a closed record again."""
    _set_closed(session, actor, client_id, False)
    return _to_client(request, client_id, "reopened")


def _to_placement(request: Request, client_id: int, done: str, match_id: int,
                  extra: str = "") -> RedirectResponse:
    path = request.url_for("consultant_client", client_id=client_id).path
    return RedirectResponse(f"{path}?done={done}{extra}#voorstel-{match_id}", status_code=303)


@router.post("/voorstellen/{match_id}/goedkeuren", name="consultant_approve")
def consultant_approve(request: Request, session: SessionDep,
                       actor: Allowed("placement.decide"), match_id: Id):
    """Approve a proposed placement: the initiative hears of it, as after a broker's approval."""
    match = brokerage.decide_placement(session, actor, match_id, approve=True)
    return _to_placement(request, match.resource_id, "approved", match_id)


@router.post("/voorstellen/{match_id}/afwijzen", response_class=HTMLResponse,
             name="consultant_reject")
def consultant_reject(request: Request, session: SessionDep,
                      actor: Allowed("placement.decide"), match_id: Id, form: RejectionForm):
    """Turn a proposed placement down with a reason."""
    if not form.ok:
        match = brokerage.own_placement(session, actor, match_id)
        return _client_page(request, session, actor, match.resource_id,
                            reject_errors=form.errors | {"match_id": match_id},
                            status_code=422)
    match = brokerage.decide_placement(session, actor, match_id, approve=False,
                                       reason=form.data.reason, note=form.data.note)
    return _to_placement(request, match.resource_id, "rejected", match_id)


@router.post("/voorstellen/{match_id}/ja", name="consultant_accept")
def consultant_accept(request: Request, session: SessionDep,
                      actor: Allowed("placement.decide"), match_id: Id):
    """The client agrees: the placement starts."""
    match = brokerage.confirm_placement(session, actor, match_id, accept=True)
    return _to_placement(request, match.resource_id, "accepted", match_id)


@router.post("/voorstellen/{match_id}/nee", name="consultant_decline")
def consultant_decline(request: Request, session: SessionDep,
                       actor: Allowed("placement.decide"), match_id: Id):
    """The client does not go ahead: the placement closes."""
    match = brokerage.confirm_placement(session, actor, match_id, accept=False)
    return _to_placement(request, match.resource_id, "declined", match_id)
