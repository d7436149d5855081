"""The interactive API documentation, served from our own origin (Swagger UI from PyPI)."""

from importlib.util import find_spec
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from core.permissions import permission

HERE = Path(__file__).parent
# find_spec locates the package without running its __init__ (which imports web frameworks).
SWAGGER_UI = Path(find_spec("swagger_ui").submodule_search_locations[0]) / "static"
ASSETS = "/docs/assets"

router = APIRouter(include_in_schema=False, dependencies=[permission("system.public")])


@router.get("/docs")
def docs_page() -> HTMLResponse:
    """The Swagger UI page; its start-up script is a file too, so no inline script is needed."""
    return HTMLResponse((HERE / "page.html").read_text(encoding="utf-8"))


@router.get("/docs/start.js")
def docs_start() -> FileResponse:
    """Points Swagger UI at our OpenAPI document."""
    return FileResponse(HERE / "start.js", media_type="text/javascript")


@router.get("/docs/koppel.css")
def docs_style() -> FileResponse:
    """Our few corrections to Swagger UI's colours."""
    return FileResponse(HERE / "koppel.css", media_type="text/css")


def install(app: FastAPI) -> None:
    """Adds the docs page and mounts the vendored Swagger UI assets."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
