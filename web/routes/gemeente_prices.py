"""Gemeente › Prijslijst and Kaart: the social price list (staff set its amounts) and the map."""

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, create_model

from core import nl
from core.errors import ValidationFailed
from core.permissions import Actor, Allowed, Scope
from core.prices import default_list
from db.session import SessionDep
from services.monitoring import prices
from services.monitoring.geo_map import map_section
from services.monitoring.value import value_section
from services.municipalities import service as municipalities
from web.deps import render
from web.forms import Form, form_of

router = APIRouter(prefix="/gemeente")
AMOUNT_HELP = "moet een bedrag in euro zijn, bijvoorbeeld 18,80"
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def dutch_amount(value: Any) -> Any:
    """'18,80', '€ 1.234,50' or '1.000' → Decimal; anything else is refused in Dutch."""
    if value is None or isinstance(value, Decimal):
        return value
    text = str(value).replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise ValueError(AMOUNT_HELP)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(AMOUNT_HELP) from None
    if amount.as_tuple().exponent < -2:
        raise ValueError("mag hoogstens twee cijfers achter de komma hebben")
    if amount > 1_000_000:
        raise ValueError("mag niet meer dan € 1.000.000 zijn")
    return amount


Amount = Annotated[Decimal | None, BeforeValidator(dutch_amount)]
LABELS = {item.code: item.label for item in default_list().items}
# One field per item of the list; an emptied field sets the item back to its default.
PriceForm = create_model("PriceForm", __config__=ConfigDict(extra="forbid"),
                         **{code: (Amount, None) for code in LABELS})
PriceFormDep = form_of(PriceForm, labels=LABELS)
CodeQuery = Annotated[str, Query(pattern=r"^(GM\d{4})?$")]


def _code(session, actor: Actor, gemeente: str) -> str:
    if actor.scope("prices.read") == Scope.ANY:
        return gemeente or municipalities.list_all(session)[0].code
    return gemeente or actor.municipality_code or ""


def _page(request: Request, session, actor: Actor, code: str, form: Form | None = None,
          status_code: int = 200, done: str = "") -> HTMLResponse:
    place = prices.municipality(session, actor, code, "prices.read")
    listed = prices.current(session, code)
    if form is None:
        values = {p.item.code: nl.number(p.value_cents / 100, 2) for p in listed}
        form = Form(None, values, {}, LABELS)
    every = actor.scope("prices.read") == Scope.ANY
    return render(request, "gemeente/prices.html", {
        "place": place, "prices": listed, "form": form, "done": done,
        "history": prices.history(session, code), "price_list": default_list(),
        "every": every, "value": value_section(session, code=code),
        "municipalities": municipalities.list_all(session) if every else []}, status_code)


@router.get("/prijslijst", response_class=HTMLResponse, name="gemeente_prices")
def price_list(request: Request, session: SessionDep, actor: Allowed("prices.read"),
               gemeente: CodeQuery = ""):
    """The municipality's price list with its history and the value it gives."""
    done = "De prijslijst is opgeslagen." if request.query_params.get("gedaan") else ""
    return _page(request, session, actor, _code(session, actor, gemeente), done=done)


@router.post("/prijslijst", response_class=HTMLResponse, name="gemeente_prices_save")
def price_list_save(request: Request, session: SessionDep, actor: Allowed("prices.update"),
                    form: PriceFormDep, gemeente: CodeQuery = ""):
    """Store the changed amounts (all or nothing); Dutch errors next to the fields."""
    code = _code(session, actor, gemeente)
    prices.municipality(session, actor, code, "prices.update")
    if form.ok:
        data: BaseModel = form.data
        try:
            prices.set_amounts(session, actor, code, data.model_dump())
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            path = request.url_for("gemeente_prices").path
            query = f"gemeente={code}&" if gemeente else ""
            return RedirectResponse(f"{path}?{query}gedaan=1", status_code=303)
    return _page(request, session, actor, code, form, 422)


@router.get("/kaart", response_class=HTMLResponse, name="gemeente_map")
def map_page(request: Request, session: SessionDep, actor: Allowed("map.read"),
             gemeente: CodeQuery = ""):
    """The map on its own page: staff see their municipality, admins all (or one)."""
    every = actor.scope("map.read") == Scope.ANY
    code = gemeente if every else (actor.municipality_code or "")
    place = prices.municipality(session, actor, code, "map.read") if code else None
    return render(request, "gemeente/map.html", {
        "place": place, "map": map_section(session, code=code or None), "every": every,
        "municipalities": municipalities.list_all(session) if every else []})
