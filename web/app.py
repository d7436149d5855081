"""The server-rendered web sub-app (Dutch): login, the initiative list and profile pages."""

from pathlib import Path

from asgi_csrf import asgi_csrf
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.config import get_settings
from services.errors import Forbidden, KoppelError, NotFound, Unauthorized
from web import broker, brokerage, invitations, pages, security
from web.security import SecurityHeadersMiddleware

HERE = Path(__file__).parent


def create_web_app() -> FastAPI:
    """Build the web sub-app with its own CSRF protection, security headers and error pages."""
    settings = get_settings()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # Double-submit CSRF token on every state-changing form; the login and logout forms are
    # protected even before a cookie exists.
    app.add_middleware(asgi_csrf, signing_secret=settings.secret_key.get_secret_value(),
                       always_protect={"/login", "/logout"},
                       cookie_secure=settings.env == "production")
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(broker.router)
    app.include_router(brokerage.router)
    app.include_router(invitations.router)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> HTMLResponse:
        return pages.error_page(request, "Niet gevonden", exc.detail, 404)

    @app.exception_handler(Unauthorized)
    async def _login_first(request: Request, _exc: Unauthorized) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = request.url_for("login_form").path
        return RedirectResponse(f"{login}?{security.next_param(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
        return pages.error_page(request, "Geen toegang", exc.detail, 403)

    @app.exception_handler(KoppelError)
    async def _refused(request: Request, exc: KoppelError) -> HTMLResponse:
        return pages.error_page(request, "Dat lukte niet", exc.detail, exc.status_code)

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, _exc: ValidationError) -> HTMLResponse:
        return pages.error_page(request, "Ongeldige invoer", "Controleer de invoer.", 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = "Deze pagina bestaat niet." if exc.status_code == 404 else str(exc.detail)
        return pages.error_page(request, "Fout", message, exc.status_code)

    return app
