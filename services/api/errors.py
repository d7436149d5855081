"""The API's handlers: every error, expected or not, leaves as the one JSON shape."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import UNAVAILABLE, ErrorBody, KoppelError, unavailable, validation_fields

log = logging.getLogger(__name__)

def install(app: FastAPI) -> None:
    """Register the handlers that render every error as ErrorBody."""

    @app.exception_handler(KoppelError)
    async def _koppel_error(_request: Request, exc: KoppelError) -> JSONResponse:
        retry = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry)} if retry else None
        return JSONResponse(exc.as_dict(), status_code=exc.status_code, headers=headers)

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("503 for %s: %s", request.url.path, exc)
        return await _koppel_error(request, unavailable(exc))

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, _unavailable)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        body = ErrorBody(error="validation_failed", detail="De invoer is niet geldig.",
                         fields=validation_fields(exc.errors()))
        return JSONResponse(body.model_dump(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        detail = "Niet gevonden." if exc.status_code == 404 else str(exc.detail)
        return JSONResponse({"error": code, "detail": detail, "fields": {}},
                            status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            {"error": "internal_error", "detail": "Er ging iets mis aan onze kant.", "fields": {}},
            status_code=500,
        )
