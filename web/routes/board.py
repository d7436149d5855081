"""Hulpvragen: the public board of published needs with "Ik wil helpen"."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from core.errors import Conflict, KoppelError, ValidationFailed, validation_fields
from core.fields import Id
from core.permissions import Actor, Allowed, allows
from db.session import SessionDep
from services.brokerage import service as brokerage
from services.initiatives import needs_board
from services.initiatives import service as initiatives
from services.initiatives.board_schemas import NeedBoardQuery
from services.municipalities import service as municipalities
from web import security
from web.deps import choices, render
from web.forms import Form, form_of

router = APIRouter()
FILTER_FIELDS = ("q", "need_kind", "skill", "pc4", "radius_km", "municipality", "sort",
                 "cursor")
SORTS = [("newest", "Nieuwste eerst"), ("nearest", "Dichtstbij eerst")]
RADII = [("5", "5 km"), ("10", "10 km"), ("25", "25 km"), ("50", "50 km")]
HelpForm = form_of(brokerage.HelpOffer, labels={"message": "Bericht aan het initiatief"})


def _options(session) -> dict:
    return {"need_kinds": choices("support_needs"), "skills": choices("skills"),
            "municipalities": [(m.code, m.name) for m in municipalities.list_all(session)],
            "sorts": SORTS, "radii": RADII}


@router.get("/hulpvragen", response_class=HTMLResponse, name="need_board")
def need_board(request: Request, session: SessionDep, _actor: Allowed("need.list")):
    """The board: search by words, kind, skill and place, newest or nearest first."""
    raw = {k: v for k in FILTER_FIELDS if (v := request.query_params.get(k, "").strip())}
    if raw.get("radius_km"):
        raw["radius_km"] = raw["radius_km"].replace(",", ".")
    errors: dict[str, str] = {}
    page = None
    try:
        page = needs_board.list_needs(session, NeedBoardQuery(**raw))
    except ValidationError as exc:
        errors = validation_fields(exc.errors())
    except KoppelError as exc:
        errors = exc.fields or {"": exc.detail}
    shown = {k: v for k, v in raw.items() if k != "cursor"}
    next_params = shown | {"cursor": page.next_cursor} if page and page.next_cursor else None
    suggestion = shown | {"q": page.did_you_mean} if page and page.did_you_mean else None
    return render(request, "board/list.html", {
        "page": page, "filters": raw, "errors": errors, "options": _options(session),
        "next_params": next_params, "suggestion_params": suggestion,
        "first_page": not raw.get("cursor"), "first_params": shown,
    }, 422 if errors else 200)


def _offer_state(session, actor: Actor | None, need) -> dict:
    """What the "Ik wil helpen" panel says to this visitor."""
    if not brokerage.volunteers_can_help(need.kind):
        return {"state": "not_for_volunteers"}
    if actor is None:
        return {"state": "anonymous"}
    if not allows(actor, "need.offer_help"):
        return {"state": "other_role"}
    if actor.volunteer_id is None:
        return {"state": "no_profile"}
    if (match := brokerage.existing_offer(session, actor, need.id)) is not None:
        return {"state": "already", "message": brokerage.already_message(match),
                "offered": match.status == brokerage.MatchStatus.OFFERED}
    return {"state": "can_offer"}


def _need_page(request: Request, session, actor: Actor | None, need_id: int,
               form: Form | None = None, status_code: int = 200) -> HTMLResponse:
    need = initiatives.board_need(session, need_id)
    item = needs_board.board_item(need, need.initiative)
    here = request.url_for("need_detail", need_id=need_id).path
    return render(request, "board/need.html", {
        "need": item, "offer": _offer_state(session, actor, need), "form": form,
        "login_url": f"{request.url_for('login_form').path}?{security.next_param(here)}",
        "offered": request.query_params.get("aangeboden") == "1",
    }, status_code)


@router.get("/hulpvragen/{need_id}", response_class=HTMLResponse, name="need_detail")
def need_detail(request: Request, session: SessionDep, actor: Allowed("need.list"),
                need_id: Id):
    """One need of the board on its own page, with "Ik wil helpen"."""
    return _need_page(request, session, actor, need_id)


@router.post("/hulpvragen/{need_id}/helpen", name="need_offer_help")
def need_offer_help(request: Request, session: SessionDep, actor: Allowed("need.offer_help"),
                    need_id: Id, form: HelpForm):
    """A volunteer offers help: an offered match, and a mail to the initiative."""
    target = request.url_for("need_detail", need_id=need_id).path
    if form.ok:
        try:
            brokerage.offer_help(session, actor, need_id, form.data.message)
        except Conflict:
            # Offered before (or decided): the page says what applies.
            return RedirectResponse(target, status_code=303)
        except ValidationFailed as exc:
            form.refuse(exc)
    if not form.ok:
        return _need_page(request, session, actor, need_id, form, 422)
    return RedirectResponse(f"{target}?aangeboden=1", status_code=303)
