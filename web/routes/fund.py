"""Fonds: the fund's criteria with a preview, its calls, suggested initiatives and grants."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Form as Posted
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from core import nl
from core.errors import Conflict, NotFound, ValidationFailed
from core.fields import (
    STRICT,
    Day,
    Euro,
    Id,
    LegalForm,
    LifeGroup,
    LongText,
    MunicipalityCode,
    NeedKind,
    Phase,
    Theme,
    Title,
)
from core.permissions import Actor, Allowed
from core.provinces import PROVINCES
from db.models import Fund
from db.session import SessionDep
from services.municipalities import service as municipalities
from services.resources import service as resources
from services.resources.schemas import CallCreate, CallUpdate, FundUpdate, GrantCreate
from web.deps import choices, render
from web.forms import Form, form_of

router = APIRouter(prefix="/fonds")
EURO_FIELDS = ("min_amount_eur", "max_amount_eur", "budget_eur", "max_grant_eur", "amount_eur")


class CriteriaIn(BaseModel):
    """The criteria form: regions come as province and municipality picks."""

    model_config = STRICT

    name: Title
    description: LongText = ""
    themes: list[Theme] = []
    life_groups: list[LifeGroup] = []
    national: bool = False
    provinces: list[Annotated[str, Field(pattern=r"^PV\d{2}$")]] = []
    municipalities: list[MunicipalityCode] = []
    need_kinds: list[NeedKind] = []
    legal_forms: list[LegalForm] = []
    phases: list[Phase] = []
    min_amount_eur: Euro = 0
    max_amount_eur: Euro = 0


class GrantIn(BaseModel):
    """The grant form."""

    model_config = STRICT

    initiative_id: Annotated[int, Field(ge=1)]
    amount_eur: Annotated[int, Field(gt=0, le=100_000_000)]
    awarded_on: Day


CRITERIA_LABELS = {"name": "Naam", "description": "Omschrijving", "themes": "Thema's",
                   "life_groups": "Levensfasen en groepen", "provinces": "Provincies",
                   "municipalities": "Gemeenten", "regions": "Regio",
                   "need_kinds": "Soorten vragen", "legal_forms": "Rechtsvormen",
                   "phases": "Fasen", "min_amount_eur": "Minimumbedrag",
                   "max_amount_eur": "Maximumbedrag"}
CALL_LABELS = {"title": "Titel", "budget_eur": "Budget", "max_grant_eur": "Maximale toekenning",
               "opens_on": "Opent op", "closes_on": "Sluit op"}
GRANT_LABELS = {"initiative_id": "Initiatief", "amount_eur": "Bedrag",
                "awarded_on": "Datum van toekenning"}


def _euros(blanks: dict[str, Any]):
    """Dutch amounts ("12.500", "€ 12 500") as whole euros; emptied fields clear."""
    def prepare(data: dict[str, Any]) -> dict[str, Any]:
        for name in EURO_FIELDS:
            if isinstance(data.get(name), str):
                data[name] = data[name].replace("€", "").replace(".", "").replace(" ", "")
        return blanks | data
    return prepare


CriteriaForm = form_of(CriteriaIn, labels=CRITERIA_LABELS,
                       prepare=_euros({"min_amount_eur": 0, "max_amount_eur": 0}))
NewCallForm = form_of(CallCreate, labels=CALL_LABELS, prepare=_euros({}))
CallForm = form_of(CallUpdate, labels=CALL_LABELS, prepare=_euros({"max_grant_eur": None}))
GrantForm = form_of(GrantIn, labels=GRANT_LABELS, prepare=_euros({}))


def own_fund(session, actor: Actor) -> Fund:
    """The fund linked to the account, else NotFound."""
    fund = resources.own_fund(session, actor)
    if fund is None:
        raise NotFound("Aan uw account is geen fonds gekoppeld.")
    return fund


def _criteria_values(fund: Fund) -> dict[str, Any]:
    values = {k: getattr(fund, k) for k in CRITERIA_LABELS if hasattr(fund, k)}
    values["national"] = "NL" in fund.regions
    values["provinces"] = [r for r in fund.regions if r.startswith("PV")]
    values["municipalities"] = [r for r in fund.regions if r.startswith("GM")]
    return _dutch(values)


def _dutch(values: dict[str, Any]) -> dict[str, Any]:
    """Amounts shown as people type them ("12.500"), nothing for an empty field."""
    return {k: ("" if v is None else nl.number(v) if k in EURO_FIELDS else v)
            for k, v in values.items()}


def _options(session) -> dict[str, list]:
    return {"themes": choices("themes"), "life_groups": choices("life_groups"),
            "need_kinds": [(c, t) for c, t in choices("support_needs")
                           if c in ("start_grant", "structural_funding", "space")],
            "legal_forms": choices("legal_forms"), "phases": choices("phases"),
            "provinces": list(PROVINCES.items()),
            "municipalities": [(m.code, m.name) for m in municipalities.list_all(session)]}


def _home_page(request: Request, session, fund: Fund, criteria: Form, call_form: Form,
               status_code: int = 200) -> HTMLResponse:
    calls = resources.calls_of(session, fund)
    return render(request, "fund/home.html", {
        "fund": fund, "form": criteria, "call_form": call_form, "options": _options(session),
        "fitting": resources.fitting_needs(session, fund),
        "calls": [(c, resources.is_open(c)) for c in calls],
        "done": request.query_params.get("gedaan")}, status_code)


def _empty_call() -> Form:
    return Form(None, {}, {}, CALL_LABELS)


@router.get("", response_class=HTMLResponse, name="fund_home")
def fund_home(request: Request, session: SessionDep, actor: Allowed("fund.read")):
    """The fund's criteria with how many published needs fit, and its calls."""
    fund = own_fund(session, actor)
    return _home_page(request, session, fund,
                      Form(None, _criteria_values(fund), {}, CRITERIA_LABELS), _empty_call())


@router.post("", response_class=HTMLResponse, name="fund_criteria_save")
def fund_criteria_save(request: Request, session: SessionDep, actor: Allowed("fund.update"),
                       form: CriteriaForm):
    """Store the fund's profile and criteria."""
    fund = own_fund(session, actor)
    if form.ok:
        data = form.data
        regions = (["NL"] if data.national else []) + data.provinces + data.municipalities
        update = FundUpdate(**data.model_dump(exclude={"national", "provinces",
                                                       "municipalities"}), regions=regions)
        try:
            resources.update_fund(session, actor, fund.id, update)
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return RedirectResponse(f"{request.url_for('fund_home').path}?gedaan=criteria",
                                    status_code=303)
    return _home_page(request, session, fund, form, _empty_call(), 422)


@router.post("/oproepen", response_class=HTMLResponse, name="fund_call_create")
def fund_call_create(request: Request, session: SessionDep, actor: Allowed("fund.update"),
                     form: NewCallForm):
    """Add a call with its budget, window and maximum grant."""
    fund = own_fund(session, actor)
    if form.ok:
        try:
            call = resources.add_call(session, actor, fund.id, form.data)
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to_call(request, call.id, "aangemaakt")
    return _home_page(request, session, fund,
                      Form(None, _criteria_values(fund), {}, CRITERIA_LABELS), form, 422)


def _to_call(request: Request, call_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"{request.url_for('fund_call', call_id=call_id).path}"
                            f"?gedaan={done}", status_code=303)


def _call_page(request: Request, session, actor: Actor, call_id: int, *,
               call_form: Form | None = None, grant_form: Form | None = None,
               status_code: int = 200) -> HTMLResponse:
    fund, call = resources.get_call(session, actor, own_fund(session, actor).id, call_id)
    suggestions = resources.suggestions(session, fund, call)
    if call_form is None:
        call_form = Form(None, _dutch({k: getattr(call, k) for k in CALL_LABELS}), {},
                         CALL_LABELS)
    return render(request, "fund/call.html", {
        "fund": fund, "call": call, "open": resources.is_open(call),
        "remaining": call.budget_eur - call.granted_eur, "suggestions": suggestions,
        "initiatives": sorted({(s.initiative.id, s.initiative.name) for s in suggestions},
                              key=lambda pair: pair[1]),
        "grants": resources.grants_of_call(session, call),
        "call_form": call_form,
        "grant_form": grant_form or Form(None, {"awarded_on": date.today().isoformat()}, {},
                                         GRANT_LABELS),
        "done": request.query_params.get("gedaan"), "error": request.query_params.get("fout"),
    }, status_code)


@router.get("/oproepen/{call_id}", response_class=HTMLResponse, name="fund_call")
def fund_call(request: Request, session: SessionDep, actor: Allowed("fund.read"), call_id: Id):
    """A call with its remaining budget, suggested initiatives and grants."""
    return _call_page(request, session, actor, call_id)


@router.post("/oproepen/{call_id}", response_class=HTMLResponse, name="fund_call_update")
def fund_call_update(request: Request, session: SessionDep, actor: Allowed("fund.update"),
                     call_id: Id, form: CallForm):
    """Store changes to the call."""
    fund = own_fund(session, actor)
    if form.ok:
        try:
            resources.update_call(session, actor, fund.id, call_id, form.data)
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to_call(request, call_id, "opgeslagen")
    return _call_page(request, session, actor, call_id, call_form=form, status_code=422)


@router.post("/oproepen/{call_id}/openen", name="fund_call_open")
def fund_call_open(request: Request, session: SessionDep, actor: Allowed("fund.update"),
                   call_id: Id):
    """Open the call today."""
    resources.open_or_close(session, actor, own_fund(session, actor).id, call_id,
                            open_now=True)
    return _to_call(request, call_id, "geopend")


@router.post("/oproepen/{call_id}/sluiten", name="fund_call_close")
def fund_call_close(request: Request, session: SessionDep, actor: Allowed("fund.update"),
                    call_id: Id):
    """Close the call as of yesterday."""
    resources.open_or_close(session, actor, own_fund(session, actor).id, call_id,
                            open_now=False)
    return _to_call(request, call_id, "gesloten")


@router.post("/oproepen/{call_id}/voorstellen/{match_id}", name="fund_answer")
def fund_answer(request: Request, session: SessionDep, actor: Allowed("fund.update"),
                call_id: Id, match_id: Id,
                response: Annotated[str, Posted(max_length=20)] = ""):
    """The fund's "interesse" or "past niet" on a suggested initiative."""
    try:
        resources.answer(session, actor, own_fund(session, actor).id, call_id, match_id,
                         response)
    except (ValidationFailed, Conflict):
        return RedirectResponse(f"{request.url_for('fund_call', call_id=call_id).path}"
                                "?fout=antwoord", status_code=303)
    return _to_call(request, call_id, "interesse" if response == "interested" else "past-niet")


@router.post("/oproepen/{call_id}/toekenningen", response_class=HTMLResponse,
             name="fund_grant")
def fund_grant(request: Request, session: SessionDep, actor: Allowed("grant.create"),
               call_id: Id, form: GrantForm):
    """Record a grant; the remaining budget goes down."""
    fund = own_fund(session, actor)
    if form.ok:
        try:
            resources.record_grant(session, actor, fund.id, call_id,
                                   GrantCreate(**form.data.model_dump()))
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to_call(request, call_id, "toegekend")
    return _call_page(request, session, actor, call_id, grant_form=form, status_code=422)
