"""Broker forms: a need for an offline resident, an intake, the escalation ladder, referrals."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import ValidationFailed
from core.fields import Id
from core.permissions import Actor, Allowed
from core.vocabulary import get_vocabulary
from db.session import SessionDep
from services.brokerage import service
from services.brokerage.schemas import Escalation, IntakeCreate, ResidentNeed
from web.deps import choices, render
from web.forms import Form, decimal_comma, form_of

router = APIRouter(prefix="/broker")
NEED_LABELS = {"initiative_id": "Via initiatief", "kind": "Soort vraag", "title": "Korte titel",
               "description": "Omschrijving", "hours_per_week": "Uren per week",
               "resident_name": "Naam van de bewoner", "resident_phone": "Telefoon",
               "visibility": "Wie mag deze vraag lezen"}
INTAKE_LABELS = {"initiative_id": "Initiatief", "scores": "Beoordeling",
                 "support_needs": "Ondersteuningsbehoefte", "size_volunteers": "Vrijwilligers",
                 "size_professionals": "Professionals",
                 "size_people_helped": "Mensen geholpen afgelopen jaar"}


def _options(session, actor: Actor, action: str) -> dict:
    vocab = get_vocabulary()
    return {
        "initiatives": [(i.id, i.name) for i in service.initiatives_of(session, actor, action)],
        "need_kinds": choices("support_needs"),
        "visibility": choices("need_visibility"),
        "scales": vocab.items("intake_scales"),
        "buckets": {lens: choices(f"bucket_{lens}") for lens in
                    ("volunteers", "professionals", "people_helped")},
    }


def _scores(data: dict) -> dict:
    """The twelve score_<scale> fields of the intake form as one scores mapping."""
    scores = {k.removeprefix("score_"): v for k, v in data.items() if k.startswith("score_")}
    return {k: v for k, v in data.items() if not k.startswith("score_")} | {"scores": scores}


def _without_back(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "back"}


NeedForm = form_of(ResidentNeed, labels=NEED_LABELS, prepare=decimal_comma("hours_per_week"))
IntakeForm = form_of(IntakeCreate, labels=INTAKE_LABELS, prepare=_scores)
EscalationForm = form_of(Escalation, prepare=_without_back)


@router.get("/needs/new", response_class=HTMLResponse, name="broker_need_form")
def need_form(request: Request, session: SessionDep, actor: Allowed("broker.on_behalf")):
    """Post a need for a resident who is not online."""
    return render(request, "broker/need_form.html", {
        "options": _options(session, actor, "broker.on_behalf"),
        "form": Form(None, {}, {}, NEED_LABELS)})


@router.post("/needs/new", response_class=HTMLResponse, name="broker_need_create")
def need_create(request: Request, session: SessionDep, actor: Allowed("broker.on_behalf"),
                form: NeedForm):
    """Store the need with the resident's minimal contact; it is matched at once."""
    if form.ok:
        need = service.post_need_for_resident(session, actor, form.data)
        target = request.url_for("initiative_detail", initiative_id=need.initiative_id).path
        return RedirectResponse(f"{target}?nieuw={need.id}", status_code=303)
    return render(request, "broker/need_form.html", {
        "options": _options(session, actor, "broker.on_behalf"), "form": form}, 422)


@router.get("/intakes/new", response_class=HTMLResponse, name="broker_intake_form")
def intake_form(request: Request, session: SessionDep, actor: Allowed("broker.intake")):
    """The publication's intake list for one initiative."""
    return render(request, "broker/intake_form.html", {
        "options": _options(session, actor, "broker.intake"),
        "form": Form(None, {}, {}, INTAKE_LABELS), "saved": False})


@router.post("/intakes/new", response_class=HTMLResponse, name="broker_intake_create")
def intake_create(request: Request, session: SessionDep, actor: Allowed("broker.intake"),
                  form: IntakeForm):
    """Store an intake."""
    if form.ok:
        service.record_intake(session, actor, form.data)
    return render(request, "broker/intake_form.html", {
        "options": _options(session, actor, "broker.intake"), "form": form,
        "saved": form.ok}, 200 if form.ok else 422)


@router.post("/needs/{need_id}/escalate", name="broker_escalate")
def escalate(request: Request, session: SessionDep, actor: Allowed("broker.on_behalf"),
             need_id: Id, form: EscalationForm):
    """Record a step on the ladder (own network → platform → professional partner)."""
    referrals = request.url_for("broker_referrals").path
    back = str(form.values.get("back") or "")
    back = back if back.startswith("/broker/") else referrals
    if form.ok:
        try:
            service.escalate(session, actor, need_id, form.data)
        except ValidationFailed as exc:
            form.refuse(exc)
    outcome = "vastgelegd" if form.ok else "onvolledig"
    return RedirectResponse(f"{back}?escalatie={outcome}", status_code=303)


@router.get("/referrals", response_class=HTMLResponse, name="broker_referrals")
def referrals(request: Request, session: SessionDep, actor: Allowed("referral.list")):
    """Needs handed to professional partners in the municipality."""
    return render(request, "broker/referrals.html", {"rows": service.referrals(session, actor)})
