"""The web's handlers for the one error hierarchy: a Dutch page, or the login form."""

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import UNAVAILABLE, Forbidden, KoppelError, NotFound, Unauthorized, unavailable
from web import security
from web.deps import render


def error_page(request: Request, title: str, message: str, status: int) -> HTMLResponse:
    """A Dutch error page."""
    return render(request, "error.html", {"title": title, "message": message}, status)


def install(app: FastAPI) -> None:
    """Register the handlers on the web sub-app."""

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> HTMLResponse:
        return error_page(request, "Niet gevonden", exc.detail, 404)

    @app.exception_handler(Unauthorized)
    async def _login_first(request: Request, _exc: Unauthorized) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = request.url_for("login_form").path
        return RedirectResponse(f"{login}?{security.next_param(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
        return error_page(request, "Geen toegang", exc.detail, 403)

    @app.exception_handler(KoppelError)
    async def _refused(request: Request, exc: KoppelError) -> HTMLResponse:
        page = error_page(request, "Dat lukte niet", exc.detail, exc.status_code)
        if getattr(exc, "retry_after", None):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page

    async def _unavailable(request: Request, exc: Exception) -> HTMLResponse:
        busy = unavailable(exc)
        page = error_page(request, "Even geduld", busy.detail, 503)
        page.headers["Retry-After"] = str(busy.retry_after)
        return page

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, _unavailable)

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, _exc: ValidationError) -> HTMLResponse:
        return error_page(request, "Ongeldige invoer", "Controleer de invoer.", 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = "Deze pagina bestaat niet." if exc.status_code == 404 else str(exc.detail)
        return error_page(request, "Fout", message, exc.status_code)
