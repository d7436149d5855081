"""Broker forms: a need for an offline resident, an intake, the escalation ladder, referrals."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from db.vocabulary import get_vocabulary
from services.api.deps import SessionDep
from services.api.errors import validation_fields
from services.auth.deps import WebAllowed
from services.brokerage import service
from services.brokerage.schemas import Escalation, IntakeCreate, ResidentNeed
from services.errors import ValidationFailed
from web.pages import templates

router = APIRouter(prefix="/broker")


def _options(session, actor) -> dict:
    vocab = get_vocabulary()
    return {
        "initiatives": [(i.id, i.name) for i in service.initiatives_of(session, actor)],
        "need_kinds": [(i["code"], i["nl"]) for i in vocab.items("support_needs")],
        "scales": vocab.items("intake_scales"),
        "buckets": {lens: vocab.codes(f"bucket_{lens}") for lens in
                    ("volunteers", "professionals", "people_helped")},
    }


async def _form(request: Request) -> dict:
    form = await request.form()
    return {k: v for k, v in form.multi_items() if k != "csrftoken"}


@router.get("/needs/new", response_class=HTMLResponse, name="broker_need_form")
def need_form(request: Request, session: SessionDep, actor: WebAllowed("broker.on_behalf")):
    """Post a need for a resident who is not online."""
    return templates.TemplateResponse(request, "broker_need_form.html", {
        "options": _options(session, actor), "values": {}, "errors": {}})


@router.post("/needs/new", response_class=HTMLResponse, name="broker_need_create")
async def need_create(request: Request, session: SessionDep,
                      actor: WebAllowed("broker.on_behalf")):
    """Store the need with the resident's minimal contact; it is matched at once."""
    values = await _form(request)
    clean = {k: v for k, v in values.items() if v != ""}
    try:
        need = service.post_need_for_resident(session, actor, ResidentNeed(**clean))
    except ValidationError as exc:
        return templates.TemplateResponse(request, "broker_need_form.html", {
            "options": _options(session, actor), "values": values,
            "errors": validation_fields(exc.errors())}, status_code=422)
    target = request.url_for("initiative_detail", initiative_id=need.initiative_id).path
    return RedirectResponse(f"{target}?nieuw={need.id}", status_code=303)


@router.get("/intakes/new", response_class=HTMLResponse, name="broker_intake_form")
def intake_form(request: Request, session: SessionDep, actor: WebAllowed("broker.intake")):
    """The publication's intake list for one initiative."""
    return templates.TemplateResponse(request, "broker_intake_form.html", {
        "options": _options(session, actor), "values": {}, "errors": {}, "saved": False})


@router.post("/intakes/new", response_class=HTMLResponse, name="broker_intake_create")
async def intake_create(request: Request, session: SessionDep,
                        actor: WebAllowed("broker.intake")):
    """Store an intake."""
    form = await request.form()
    values = {k: v for k, v in form.multi_items() if k != "csrftoken"}
    data = {"initiative_id": values.get("initiative_id") or None,
            "scores": {k.removeprefix("score_"): v for k, v in values.items()
                       if k.startswith("score_") and v},
            "support_needs": form.getlist("support_needs")}
    for field in ("size_volunteers", "size_professionals", "size_people_helped"):
        if values.get(field):
            data[field] = values[field]
    status, errors = 200, {}
    try:
        service.record_intake(session, actor, IntakeCreate(**data))
    except ValidationError as exc:
        status, errors = 422, validation_fields(exc.errors())
    return templates.TemplateResponse(request, "broker_intake_form.html", {
        "options": _options(session, actor), "values": values, "errors": errors,
        "saved": not errors}, status_code=status)


@router.post("/needs/{need_id}/escalate", name="broker_escalate")
async def escalate(request: Request, session: SessionDep,
                   actor: WebAllowed("broker.on_behalf"), need_id: int):
    """Record a step on the ladder (own network → platform → professional partner)."""
    values = await _form(request)
    back = values.pop("back", "") or request.url_for("broker_referrals").path
    back = back if back.startswith("/broker/") else request.url_for("broker_referrals").path
    try:
        service.escalate(session, actor, need_id, Escalation(**values))
    except (ValidationError, ValidationFailed):
        return RedirectResponse(f"{back}?escalatie=onvolledig", status_code=303)
    return RedirectResponse(f"{back}?escalatie=vastgelegd", status_code=303)


@router.get("/referrals", response_class=HTMLResponse, name="broker_referrals")
def referrals(request: Request, session: SessionDep, actor: WebAllowed("referral.list")):
    """Needs handed to professional partners in the municipality."""
    return templates.TemplateResponse(request, "broker_referrals.html", {
        "rows": service.referrals(session, actor)})
