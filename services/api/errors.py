"""The API's rendering of every error, expected or not: the one JSON shape, in Dutch."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from core.errors import HANDLED, UNAVAILABLE, KoppelError, describe, headers_of

log = logging.getLogger(__name__)


async def render(request: Request, exc: Exception) -> JSONResponse:
    """One JSON error body for whatever went wrong (core.errors.describe decides what)."""
    error = describe(exc)
    if isinstance(exc, UNAVAILABLE):
        log.warning("503 for %s: %s", request.url.path, exc)
    elif not isinstance(exc, KoppelError) and error.status_code >= 500:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
    return JSONResponse(error.as_dict(), status_code=error.status_code,
                        headers=headers_of(error) or None)


def install(app: FastAPI) -> None:
    """Register the one renderer for every kind of failure."""
    for kind in HANDLED:
        app.add_exception_handler(kind, render)
