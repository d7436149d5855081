"""Mijn initiatief: needs and offers, and per need the suggestions and offers of help with the
initiative's answers, confirmed help and hours."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Form as Posted
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import Conflict, ValidationFailed
from core.fields import Id
from core.permissions import Actor, Allowed
from db.models import Need
from db.session import SessionDep
from services.brokerage import service as brokerage
from services.brokerage.schemas import HoursIn, MatchAnswer
from services.initiatives import service as initiatives
from services.initiatives.schemas import NeedCreate, NeedUpdate, OfferCreate, OfferUpdate
from web.deps import choices, render
from web.forms import Form, form_of
from web.routes.mine_initiative import own_initiative

router = APIRouter(prefix="/mijn/initiatief")
NEED_LABELS = {"kind": "Soort vraag", "title": "Korte titel", "description": "Omschrijving",
               "amount_eur": "Bedrag in euro", "hours_per_week": "Uren per week",
               "skills": "Gevraagde vaardigheden", "needed_by": "Nodig vóór",
               "visibility": "Wie mag deze vraag lezen"}
OFFER_LABELS = {"kind": "Wat biedt u aan", "description": "Omschrijving",
                "capacity": "Voor hoeveel mensen of plekken",
                "no_paid_work_replaced": "Geen betaald werk verdrongen"}
ANSWER_LABELS = {"answer": "Uw antwoord", "reason": "Waarom past het niet"}
HOURS_LABELS = {"hours": "Aantal uren", "on_date": "Datum", "note": "Notitie"}
NEED_BLANKS = {"amount_eur": None, "hours_per_week": None, "needed_by": None,
               "description": "", "skills": []}


def _blanks(blanks: dict[str, Any], *decimals: str) -> Callable[[dict], dict]:
    """Emptied fields clear (the form shows them all); Dutch decimals read with a comma."""
    def prepare(data: dict[str, Any]) -> dict[str, Any]:
        data = {k: (v.replace(",", ".") if k in decimals and isinstance(v, str) else v)
                for k, v in data.items()}
        return blanks | data
    return prepare


NewNeedForm = form_of(NeedCreate, labels=NEED_LABELS,
                      prepare=_blanks(NEED_BLANKS, "hours_per_week"))
NeedForm = form_of(NeedUpdate, labels=NEED_LABELS,
                   prepare=_blanks(NEED_BLANKS, "hours_per_week"))
NewOfferForm = form_of(OfferCreate, labels=OFFER_LABELS, prepare=_blanks({}))
OfferForm = form_of(OfferUpdate, labels=OFFER_LABELS,
                    prepare=_blanks({"description": "", "no_paid_work_replaced": False}))
AnswerForm = form_of(MatchAnswer, labels=ANSWER_LABELS)
HoursForm = form_of(HoursIn, labels=HOURS_LABELS, prepare=_blanks({}, "hours"))


def _need_options() -> dict[str, list]:
    return {"kind": choices("support_needs"), "skills": choices("skills"),
            "visibility": choices("need_visibility")}


def _offer_options() -> dict[str, list]:
    return {"kind": choices("informal_help_tasks") + choices("offer_kinds_extra")}


def _home(request: Request, done: str) -> RedirectResponse:
    return RedirectResponse(f"{request.url_for('my_initiative').path}?gedaan={done}",
                            status_code=303)


def _own_need(session, actor: Actor, need_id: int) -> Need:
    return initiatives.get_need(session, own_initiative(session, actor).id, need_id)


def _need_form_page(request: Request, form: Form, need: Need | None = None,
                    status_code: int = 200) -> HTMLResponse:
    return render(request, "mine/need_form.html", {
        "form": form, "need": need, "options": _need_options()}, status_code)


def _chosen_visibility(form: Form) -> None:
    # Nothing becomes public by default: the author chooses who reads the need, knowingly.
    if not form.values.get("visibility"):
        form.errors["visibility"] = "kies wie deze vraag mag lezen"


@router.get("/vragen/nieuw", response_class=HTMLResponse, name="my_need_new")
def my_need_new(request: Request, session: SessionDep, actor: Allowed("mine.initiative")):
    """A form for a new need."""
    own_initiative(session, actor)
    return _need_form_page(request, Form(None, {"kind": "volunteers"}, {}, NEED_LABELS))


@router.post("/vragen/nieuw", response_class=HTMLResponse, name="my_need_create")
def my_need_create(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                   form: NewNeedForm):
    """Store the need; Koppel starts looking for help at once."""
    initiative = own_initiative(session, actor)
    _chosen_visibility(form)
    if form.ok:
        try:
            need = initiatives.add_need(session, initiative.id, form.data, actor)
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return RedirectResponse(f"{request.url_for('my_need', need_id=need.id).path}"
                                    "?gedaan=opgeslagen", status_code=303)
    return _need_form_page(request, form, None, 422)


@router.get("/vragen/{need_id}/bewerken", response_class=HTMLResponse, name="my_need_edit")
def my_need_edit(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                 need_id: Id):
    """The need's form, filled in."""
    need = _own_need(session, actor, need_id)
    values = {k: getattr(need, k) for k in NEED_LABELS}
    values = {k: ("" if v is None else v) for k, v in values.items()}
    return _need_form_page(request, Form(None, values, {}, NEED_LABELS), need)


@router.post("/vragen/{need_id}/bewerken", response_class=HTMLResponse,
             name="my_need_update")
def my_need_update(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                   need_id: Id, form: NeedForm):
    """Store the changes to a need."""
    need = _own_need(session, actor, need_id)
    _chosen_visibility(form)
    if form.ok:
        try:
            initiatives.update_need(session, need.initiative_id, need.id, form.data, actor)
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to_need(request, need.id, "opgeslagen")
    return _need_form_page(request, form, need, 422)


def _to_need(request: Request, need_id: int, done: str, anchor: str = "") -> RedirectResponse:
    path = request.url_for("my_need", need_id=need_id).path
    return RedirectResponse(f"{path}?gedaan={done}{anchor}", status_code=303)


@router.post("/vragen/{need_id}/status", name="my_need_status")
def my_need_status(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                   need_id: Id, status: Annotated[str, Posted()] = "",
                   helped: Annotated[str, Posted()] = ""):
    """Pause, reopen or close a need; closing answers "Is de hulp gelukt?"."""
    need = _own_need(session, actor, need_id)
    if status == "closed":
        if helped not in ("ja", "nee"):
            return _to_need(request, need.id, "kies-gelukt", "#sluiten")
        # Fulfilled: the close flow marks its active matches as succeeded.
        status = "fulfilled" if helped == "ja" else "withdrawn"
    if status not in ("paused", "open", "fulfilled", "withdrawn"):
        return _to_need(request, need.id, "onbekend")
    initiatives.update_need(session, need.initiative_id, need.id, NeedUpdate(status=status),
                            actor)
    return _to_need(request, need.id, status)


def _need_page(request: Request, session, actor: Actor, need: Need,
               failed: tuple[int, str, Form] | None = None,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "mine/need.html", {
        "need": need, "views": brokerage.matches_of_need(session, actor, need),
        "failed": failed, "done": request.query_params.get("gedaan"),
    }, status_code)


@router.get("/vragen/{need_id}", response_class=HTMLResponse, name="my_need")
def my_need(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
            need_id: Id):
    """One need with its suggestions and offers of help, and what happens next."""
    return _need_page(request, session, actor, _own_need(session, actor, need_id))


def _match_need(session, actor: Actor, match_id: int) -> tuple[Any, Need]:
    return brokerage.own_match(session, actor, match_id)


@router.post("/koppelingen/{match_id}/antwoord", response_class=HTMLResponse,
             name="my_match_respond")
def my_match_respond(request: Request, session: SessionDep, actor: Allowed("match.respond"),
                     match_id: Id, form: AnswerForm):
    """"Interesse" or "past niet" on a suggestion or an offer of help."""
    match, need = _match_need(session, actor, match_id)
    if form.ok:
        try:
            brokerage.respond(session, actor, match.id, form.data.answer, form.data.reason)
        except (ValidationFailed, Conflict) as exc:
            form.refuse(exc)
        else:
            return _to_need(request, need.id, form.data.answer, f"#m-{match.id}")
    return _need_page(request, session, actor, need, (match.id, "answer", form), 422)


@router.post("/koppelingen/{match_id}/gegeven", response_class=HTMLResponse,
             name="my_match_confirm")
def my_match_confirm(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                     match_id: Id):
    """"De hulp is gegeven": the match is done and succeeded."""
    match, need = _match_need(session, actor, match_id)
    brokerage.confirm_help(session, actor, match.id)
    return _to_need(request, need.id, "gegeven", f"#m-{match.id}")


@router.post("/koppelingen/{match_id}/uren", response_class=HTMLResponse,
             name="my_match_hours")
def my_match_hours(request: Request, session: SessionDep, actor: Allowed("hours.log"),
                   match_id: Id, form: HoursForm):
    """Log hours given through an active match."""
    match, need = _match_need(session, actor, match_id)
    if form.ok:
        try:
            brokerage.log_hours(session, actor, match.id, hours=form.data.hours,
                                on_date=form.data.on_date, note=form.data.note)
        except (ValidationFailed, Conflict) as exc:
            form.refuse(exc)
        else:
            return _to_need(request, need.id, "uren", f"#m-{match.id}")
    return _need_page(request, session, actor, need, (match.id, "hours", form), 422)


def _offer_page(request: Request, form: Form, offer=None, status_code: int = 200):
    return render(request, "mine/initiative_offer.html", {
        "form": form, "offer": offer, "options": _offer_options()}, status_code)


@router.get("/aanbod/nieuw", response_class=HTMLResponse, name="my_offer_new")
def my_offer_new(request: Request, session: SessionDep, actor: Allowed("mine.initiative")):
    """A form for a new offer."""
    own_initiative(session, actor)
    return _offer_page(request, Form(None, {"capacity": 1}, {}, OFFER_LABELS))


@router.post("/aanbod/nieuw", response_class=HTMLResponse, name="my_offer_create")
def my_offer_create(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                    form: NewOfferForm):
    """Store a new offer."""
    initiative = own_initiative(session, actor)
    if form.ok:
        initiatives.add_offer(session, initiative.id, form.data, actor)
        return _home(request, "aanbod")
    return _offer_page(request, form, None, 422)


@router.get("/aanbod/{offer_id}/bewerken", response_class=HTMLResponse,
            name="my_offer_edit")
def my_offer_edit(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                  offer_id: Id):
    """The offer's form, filled in."""
    offer = initiatives.get_offer(session, own_initiative(session, actor).id, offer_id)
    values = {k: getattr(offer, k) for k in OFFER_LABELS}
    return _offer_page(request, Form(None, values, {}, OFFER_LABELS), offer)


@router.post("/aanbod/{offer_id}/bewerken", response_class=HTMLResponse,
             name="my_offer_update")
def my_offer_update(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                    offer_id: Id, form: OfferForm):
    """Store the changes to an offer."""
    initiative = own_initiative(session, actor)
    offer = initiatives.get_offer(session, initiative.id, offer_id)
    if form.ok:
        initiatives.update_offer(session, initiative.id, offer.id, form.data, actor)
        return _home(request, "aanbod")
    return _offer_page(request, form, offer, 422)


@router.post("/aanbod/{offer_id}/verwijderen", name="my_offer_delete")
def my_offer_delete(request: Request, session: SessionDep, actor: Allowed("mine.initiative"),
                    offer_id: Id):
    """Remove an offer."""
    initiative = own_initiative(session, actor)
    initiatives.delete_offer(session, initiative.id, offer_id, actor)
    return _home(request, "aanbod-weg")
