"""Beheer: a municipality's catalogue of instruments (staff: their own, admins: every one)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core import nl
from core.errors import ValidationFailed
from core.fields import Id
from core.permissions import Actor, Allowed, Scope
from db.session import SessionDep
from services.municipalities import service as municipalities
from services.resources import instruments
from services.resources import service as resources
from services.resources.instruments import InstrumentUpdate
from services.resources.schemas import InstrumentCreate
from web.deps import choices, render
from web.forms import Form, form_of

router = APIRouter(prefix="/beheer/instrumenten")
LABELS = {"municipality": "Gemeente", "family": "Soort instrument", "title": "Titel",
          "description": "Omschrijving", "need_kinds": "Soorten vragen", "phases": "Fasen",
          "legal_forms": "Rechtsvormen", "max_amount_eur": "Maximumbedrag",
          "desk_name": "Loket", "desk_email": "E-mailadres van het loket", "active": "Actief"}
DONE = {"aangemaakt": "Het instrument is aangemaakt.",
        "opgeslagen": "Het instrument is opgeslagen. Koppel zoekt opnieuw naar passende vragen."}


class InstrumentIn(InstrumentCreate):
    """The edit form: every field is shown, so an emptied field clears; the municipality is
    chosen only when an instrument is made."""

    active: bool = False


def _amounts(data: dict[str, Any]) -> dict[str, Any]:
    """Dutch amounts ("2.500", "€ 2 500") as whole euros."""
    if isinstance(data.get("max_amount_eur"), str):
        data["max_amount_eur"] = data["max_amount_eur"].replace("€", "").replace(".", "") \
            .replace(" ", "")
    return data


EditForm = form_of(InstrumentIn, labels=LABELS, prepare=_amounts)
NewForm = form_of(InstrumentCreate, labels=LABELS, prepare=_amounts)


def _options(session, actor: Actor) -> dict[str, list]:
    reach = actor.scope("instrument.read") == Scope.ANY
    return {"family": choices("instrument_families"), "need_kinds": choices("support_needs"),
            "phases": choices("phases"), "legal_forms": choices("legal_forms"),
            "municipality": [(m.code, m.name) for m in municipalities.list_all(session)
                             if reach or m.code == actor.municipality_code]}


@router.get("", response_class=HTMLResponse, name="admin_instruments")
def instrument_list(request: Request, session: SessionDep, actor: Allowed("instrument.read"),
                    gemeente: Annotated[str, Query(pattern=r"^(GM\d{4})?$")] = ""):
    """The catalogue within reach; admins may narrow it to one municipality."""
    options = _options(session, actor)
    return render(request, "admin/instruments.html", {
        "instruments": instruments.listed(session, actor, gemeente or None),
        "names": dict(options["municipality"]), "options": options,
        "every": actor.scope("instrument.read") == Scope.ANY, "gemeente": gemeente})


def _new_page(request: Request, session, actor: Actor, form: Form,
              status_code: int = 200) -> HTMLResponse:
    return render(request, "admin/instrument.html", {
        "instrument": None, "form": form, "options": _options(session, actor),
        "every": actor.scope("instrument.create") == Scope.ANY}, status_code)


@router.get("/nieuw", response_class=HTMLResponse, name="admin_instrument_new")
def instrument_new(request: Request, session: SessionDep, actor: Allowed("instrument.create")):
    """The form for a new instrument."""
    return _new_page(request, session, actor, Form(None, {}, {}, LABELS))


@router.post("/nieuw", response_class=HTMLResponse, name="admin_instrument_create")
def instrument_create(request: Request, session: SessionDep,
                      actor: Allowed("instrument.create"), form: NewForm):
    """Add an instrument to the catalogue (staff: their own municipality's)."""
    if form.ok:
        try:
            instrument = resources.create_instrument(session, actor, form.data)
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to(request, instrument.id, "aangemaakt")
    return _new_page(request, session, actor, form, 422)


def _to(request: Request, instrument_id: int, done: str) -> RedirectResponse:
    path = request.url_for("admin_instrument", instrument_id=instrument_id).path
    return RedirectResponse(f"{path}?gedaan={done}", status_code=303)


def _edit_page(request: Request, session, actor: Actor, instrument_id: int,
               form: Form | None = None, status_code: int = 200) -> HTMLResponse:
    instrument = instruments.get(session, actor, instrument_id, "instrument.update")
    if form is None:
        values = {k: getattr(instrument, k) for k in LABELS if k != "municipality"}
        if values["max_amount_eur"] is not None:
            values["max_amount_eur"] = nl.number(values["max_amount_eur"])
        form = Form(None, {k: "" if v is None else v for k, v in values.items()}, {}, LABELS)
    return render(request, "admin/instrument.html", {
        "instrument": instrument, "form": form, "options": _options(session, actor),
        "done": DONE.get(request.query_params.get("gedaan", ""), "")}, status_code)


@router.get("/{instrument_id}", response_class=HTMLResponse, name="admin_instrument")
def instrument_edit(request: Request, session: SessionDep, actor: Allowed("instrument.update"),
                    instrument_id: Id):
    """One instrument in its edit form; another municipality's answers 404."""
    return _edit_page(request, session, actor, instrument_id)


@router.post("/{instrument_id}", response_class=HTMLResponse, name="admin_instrument_save")
def instrument_save(request: Request, session: SessionDep, actor: Allowed("instrument.update"),
                    instrument_id: Id, form: EditForm):
    """Store the changed instrument; matching looks at it again."""
    instruments.get(session, actor, instrument_id, "instrument.update")
    if form.ok:
        try:
            instruments.update(session, actor, instrument_id,
                               InstrumentUpdate(**form.data.model_dump(exclude={"municipality"})))
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to(request, instrument_id, "opgeslagen")
    return _edit_page(request, session, actor, instrument_id, form, 422)
