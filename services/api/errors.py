"""One error handler and one JSON error shape for the whole API."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.errors import KoppelError

log = logging.getLogger(__name__)

# Dutch wording for the pydantic error types people meet most.
DUTCH_MESSAGES = {
    "missing": "dit veld is verplicht",
    "extra_forbidden": "onbekend veld",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "is te lang",
    "greater_than_equal": "mag niet negatief of te klein zijn",
    "greater_than": "moet groter zijn",
    "less_than_equal": "is te groot",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "bool_parsing": "moet ja of nee (true/false) zijn",
    "date_from_datetime_parsing": "moet een datum zijn (JJJJ-MM-DD)",
    "date_parsing": "moet een datum zijn (JJJJ-MM-DD)",
    "list_type": "moet een lijst zijn",
    "string_type": "moet tekst zijn",
    "url_parsing": "is geen geldig webadres",
    "url_scheme": "is geen geldig webadres",
    "string_pattern_mismatch": "heeft niet de juiste vorm",
    "json_invalid": "is geen geldige JSON",
    "model_attributes_type": "moet een object zijn",
    "dict_type": "moet een object zijn",
}


class ErrorBody(BaseModel):
    """The JSON shape of every error response."""

    error: str
    detail: str
    fields: dict[str, str] = {}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Niet gevonden"},
    422: {"model": ErrorBody, "description": "Ongeldige invoer, per veld uitgelegd"},
}


def _field_name(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _message(error: dict) -> str:
    if error["type"] == "value_error":
        message = str(error["msg"])
        if "email address" in message:
            return "is geen geldig e-mailadres"
        # Our own validators already speak Dutch; pydantic prefixes "Value error, ".
        return message.removeprefix("Value error, ")
    return DUTCH_MESSAGES.get(error["type"], str(error["msg"]))


def validation_fields(errors: list[dict]) -> dict[str, str]:
    """Turn pydantic errors into {field: Dutch reason}."""
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(_field_name(tuple(error["loc"])), _message(error))
    return fields


def install(app: FastAPI) -> None:
    """Register the handlers that render every error as ErrorBody."""

    @app.exception_handler(KoppelError)
    async def _koppel_error(_request: Request, exc: KoppelError) -> JSONResponse:
        retry = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry)} if retry else None
        return JSONResponse(exc.as_dict(), status_code=exc.status_code, headers=headers)

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
