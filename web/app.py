"""The server-rendered web sub-app (Dutch): the initiative list and profile pages."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from db.vocabulary import get_vocabulary
from services.api.deps import SessionDep
from services.api.errors import validation_fields
from services.errors import KoppelError, NotFound
from services.initiatives import presenters, queries, service
from services.initiatives.schemas import InitiativeQuery
from services.municipalities import service as municipalities
from web.security import SecurityHeadersMiddleware

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
FILTER_FIELDS = ("q", "municipality", "theme", "life_group", "actor_type", "phase",
                 "need_kind", "pc4", "radius_km", "limit", "cursor")


def _filter_options(session) -> dict:
    vocab = get_vocabulary()
    return {
        "municipalities": [(m.code, m.name) for m in municipalities.list_all(session)],
        "themes": [(i["code"], i["nl"]) for i in vocab.items("themes")],
        "life_groups": [(i["code"], i["nl"]) for i in vocab.items("life_groups")],
        "actor_types": [(i["code"], i["nl"]) for i in vocab.items("actor_types")],
        "phases": [(i["code"], i["nl"]) for i in vocab.items("phases")],
        "need_kinds": [(i["code"], i["nl"]) for i in vocab.items("support_needs")],
    }


def create_web_app() -> FastAPI:
    """Build the web sub-app with its own middleware and error pages."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> HTMLResponse:
        return templates.TemplateResponse(request, "error.html",
                                          {"title": "Niet gevonden", "message": exc.detail},
                                          status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = "Deze pagina bestaat niet." if exc.status_code == 404 else str(exc.detail)
        return templates.TemplateResponse(request, "error.html",
                                          {"title": "Fout", "message": message},
                                          status_code=exc.status_code)

    @app.get("/", response_class=HTMLResponse, name="initiative_list")
    def initiative_list(request: Request, session: SessionDep):
        """The initiative list with filters and search."""
        raw = {k: v for k in FILTER_FIELDS if (v := request.query_params.get(k, "").strip())}
        errors: dict[str, str] = {}
        page = None
        try:
            query = InitiativeQuery(**raw)
            page = queries.list_initiatives(session, query)
        except ValidationError as exc:
            errors = validation_fields(exc.errors())
        except KoppelError as exc:
            errors = exc.fields or {"": exc.detail}
        items = [presenters.initiative_summary(h.initiative, distance_km=h.distance_km)
                 for h in page.hits] if page else []
        next_params = None
        if page and page.next_cursor:
            next_params = {k: v for k, v in raw.items() if k != "cursor"}
            next_params["cursor"] = page.next_cursor
        context = {
            "items": items,
            "filters": raw,
            "errors": errors,
            "options": _filter_options(session),
            "next_params": next_params,
        }
        return templates.TemplateResponse(request, "initiative_list.html", context,
                                          status_code=422 if errors else 200)

    @app.get("/initiatieven/{initiative_id}", response_class=HTMLResponse,
             name="initiative_detail")
    def initiative_detail(request: Request, session: SessionDep, initiative_id: int):
        """One initiative's profile with every lens label in Dutch."""
        row = service.get(session, initiative_id)
        if not row.published:
            raise NotFound(f"Initiatief {initiative_id} is niet gepubliceerd.")
        initiative = presenters.initiative_read(row)
        return templates.TemplateResponse(request, "initiative_detail.html",
                                          {"initiative": initiative})

    return app
