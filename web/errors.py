"""The site's rendering of every error: a Dutch page, or the login form for anonymous visitors."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import (
    HANDLED,
    UNAVAILABLE,
    KoppelError,
    NotFound,
    Unauthorized,
    describe,
    headers_of,
)
from web import security
from web.deps import render

log = logging.getLogger(__name__)
TITLES = {400: "Dat lukte niet", 403: "Geen toegang", 404: "Niet gevonden", 405: "Dat lukte niet",
          409: "Dat lukte niet", 413: "Te groot", 422: "Ongeldige invoer",
          429: "Even wachten", 500: "Er ging iets mis", 503: "Even geduld"}


def error_page(request: Request, title: str, message: str, status: int) -> HTMLResponse:
    """A Dutch error page."""
    return render(request, "error.html", {"title": title, "message": message}, status)


async def page_for(request: Request, exc: Exception) -> HTMLResponse | RedirectResponse:
    """A Dutch page for whatever went wrong (core.errors.describe decides what)."""
    if isinstance(exc, RequestValidationError) and all(
            e["loc"][0] == "path" for e in exc.errors()):
        exc = NotFound("Deze pagina bestaat niet.")  # /initiatieven/abc is not a page
    error = describe(exc)
    if isinstance(error, Unauthorized):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = request.url_for("login_form").path
        return RedirectResponse(f"{login}?{security.next_param(target)}", status_code=303)
    if isinstance(exc, UNAVAILABLE):
        log.warning("503 for %s: %s", request.url.path, exc)
    elif not isinstance(exc, KoppelError) and error.status_code >= 500:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
    detail = "Deze pagina bestaat niet." if error.status_code == 404 and \
        not isinstance(exc, KoppelError) else error.detail
    page = error_page(request, TITLES.get(error.status_code, "Dat lukte niet"), detail,
                      error.status_code)
    page.headers.update(headers_of(error))
    return page


def install(app: FastAPI) -> None:
    """Register the one page renderer for every kind of failure."""
    for kind in HANDLED:
        app.add_exception_handler(kind, page_for)
