"""Broker forms: a need for an offline resident, an intake, the escalation ladder, referrals."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import Conflict, ValidationFailed
from core.fields import Id
from core.permissions import Actor, Allowed
from core.vocabulary import get_vocabulary
from db.session import SessionDep
from services.brokerage import intakes as intake_records
from services.brokerage import referrals as referral_records
from services.brokerage import service
from services.brokerage.referrals import ReferralFilters
from services.brokerage.schemas import Escalation, IntakeCreate, ReferralUpdate, ResidentNeed
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
REFERRAL_LABELS = {"status": "Status", "outcome": "Uitkomst", "outcome_note": "Toelichting",
                   "partner": "Partner", "contact_name": "Contactpersoon",
                   "contact_phone": "Telefoon", "contact_email": "E-mailadres"}
ReferralForm = form_of(ReferralUpdate, labels=REFERRAL_LABELS)


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
    intake = service.record_intake(session, actor, form.data) if form.ok else None
    return render(request, "broker/intake_form.html", {
        "options": _options(session, actor, "broker.intake"), "form": form,
        "saved": form.ok, "intake": intake}, 200 if form.ok else 422)


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
    """Needs handed to professional partners, narrowed by status and partner."""
    statuses = dict(choices("referral_statuses"))
    status = request.query_params.get("status", "")
    partner = request.query_params.get("partner", "").strip()[:200]
    filters = ReferralFilters(status=status if status in statuses else None,
                              partner=partner or None)
    return render(request, "broker/referrals.html", {
        "rows": referral_records.listed(session, actor, filters),
        "filters": {"status": filters.status or "", "partner": partner},
        "statuses": list(statuses.items()), "partners": referral_records.partners(session, actor)})


def _referral_page(request: Request, session, actor: Actor, referral_id: int, form,
                   status_code: int = 200):
    referral, need, initiative = referral_records.get(session, actor, referral_id)
    steps = [referral.status, *sorted(referral_records.STEPS[referral.status])]
    statuses = dict(choices("referral_statuses"))
    return render(request, "broker/referral.html", {
        "referral": referral, "need": need, "initiative": initiative, "form": form,
        "values": form.values or _referral_values(referral),
        "statuses": [(code, statuses[code]) for code in statuses if code in steps],
        "outcomes": choices("referral_outcomes"),
        "saved": request.query_params.get("opgeslagen") == "1"}, status_code)


def _referral_values(referral) -> dict:
    return {name: getattr(referral, name) or "" for name in REFERRAL_LABELS}


@router.get("/referrals/{referral_id}", response_class=HTMLResponse, name="broker_referral")
def referral_page(request: Request, session: SessionDep, actor: Allowed("referral.list"),
                  referral_id: Id):
    """One referral: where it stands, the partner's contact person (audited), and its edit."""
    return _referral_page(request, session, actor, referral_id,
                          Form(None, {}, {}, REFERRAL_LABELS))


@router.post("/referrals/{referral_id}", response_class=HTMLResponse,
             name="broker_referral_update")
def referral_update(request: Request, session: SessionDep, actor: Allowed("referral.update"),
                    referral_id: Id, form: ReferralForm):
    """Move a referral on (accepted, closed with an outcome) and keep its contact current."""
    status_code = 422
    if form.ok:
        # A web form sends every field: an emptied contact field means "no longer known".
        cleared = {name: None for name in referral_records.CONTACT if name not in
                   form.data.model_fields_set}
        try:
            referral_records.update(session, actor, referral_id,
                                    form.data.model_copy(update=cleared))
        except (Conflict, ValidationFailed) as exc:
            form.refuse(exc)
            status_code = exc.status_code
        else:
            target = request.url_for("broker_referral", referral_id=referral_id).path
            return RedirectResponse(f"{target}?opgeslagen=1", status_code=303)
    return _referral_page(request, session, actor, referral_id, form, status_code)


@router.get("/intakes", response_class=HTMLResponse, name="broker_intakes")
def intakes(request: Request, session: SessionDep, actor: Allowed("broker.intake")):
    """The latest intakes, or the intake history of one initiative (?initiatief=id)."""
    raw = request.query_params.get("initiatief", "")
    initiative_id = int(raw) if raw.isdigit() and len(raw) < 12 else None
    rows = intake_records.recent(session, actor, initiative_id=initiative_id)
    return render(request, "broker/intakes.html", {
        "rows": rows, "initiative_id": initiative_id,
        "initiative": rows[0][1] if initiative_id and rows else None})


def _intake_page(request: Request, session, actor: Actor, intake_id: int, form,
                 status_code: int = 200):
    intake, initiative = intake_records.get(session, actor, intake_id)
    values = form.values or {
        **{f"score_{k}": str(v) for k, v in intake.scores.items()},
        "support_needs": list(intake.support_needs), "size_volunteers": intake.size_volunteers,
        "size_professionals": intake.size_professionals,
        "size_people_helped": intake.size_people_helped}
    return render(request, "broker/intake.html", {
        "intake": intake, "initiative": initiative, "form": form, "values": values,
        "bars": intake_records.chart(intake),
        "history": intake_records.history(session, actor, initiative.id),
        "options": _options(session, actor, "broker.intake"),
        "saved": request.query_params.get("opgeslagen") == "1"}, status_code)


@router.get("/intakes/{intake_id}", response_class=HTMLResponse, name="broker_intake")
def intake_page(request: Request, session: SessionDep, actor: Allowed("broker.intake"),
                intake_id: Id):
    """One intake: the twelve scales as a chart and in numbers, its history, and its edit."""
    return _intake_page(request, session, actor, intake_id, Form(None, {}, {}, INTAKE_LABELS))


@router.post("/intakes/{intake_id}", response_class=HTMLResponse, name="broker_intake_update")
def intake_update(request: Request, session: SessionDep, actor: Allowed("broker.intake"),
                  intake_id: Id, form: IntakeForm):
    """Correct an intake."""
    if form.ok:
        intake_records.update(session, actor, intake_id, form.data)
        target = request.url_for("broker_intake", intake_id=intake_id).path
        return RedirectResponse(f"{target}?opgeslagen=1", status_code=303)
    return _intake_page(request, session, actor, intake_id, form, 422)
