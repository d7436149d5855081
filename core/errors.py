"""One error hierarchy for the whole application, and the one JSON shape the API renders."""

from typing import Any

import psycopg
from fastapi.exceptions import RequestValidationError
from kombu import exceptions as kombu_exc
from pydantic import BaseModel, ValidationError
from redis import exceptions as redis_exc
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException


class KoppelError(Exception):
    """Base class: an error a client can act on, with a machine code and a Dutch detail."""

    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}

    def as_dict(self) -> dict[str, Any]:
        """The JSON error body: {"error", "detail", "fields"}."""
        return {"error": self.code, "detail": self.detail, "fields": self.fields}


class ValidationFailed(KoppelError):
    """Input that is well-formed but not acceptable; names the offending fields."""

    status_code = 422
    code = "validation_failed"

    def __init__(self, fields: dict[str, str], detail: str = "De invoer is niet geldig.") -> None:
        super().__init__(detail, fields=fields)


def refuse_nulls(values: dict[str, Any], required: tuple[str, ...]) -> None:
    """A partial update may leave a required field out, but not send it empty."""
    for name in required:
        if name in values and values[name] is None:
            raise ValidationFailed({name: "dit veld is verplicht"})


class NotFound(KoppelError):
    """An unknown id, or one the caller may not know exists."""

    status_code = 404
    code = "not_found"


class Conflict(KoppelError):
    """The request clashes with the current state of a record."""

    status_code = 409
    code = "conflict"


class ServiceUnavailable(KoppelError):
    """Too busy, or the database or the broker cannot be reached: try again shortly."""

    status_code = 503
    code = "unavailable"

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


# Failures that say "not now" rather than "not like this": no connection in time from the
# pool, the database or the broker gone. They become a 503, never a 500.
UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.TimeoutError, sa_exc.OperationalError, sa_exc.InterfaceError,
    sa_exc.DisconnectionError, psycopg.OperationalError, redis_exc.ConnectionError,
    redis_exc.TimeoutError, kombu_exc.OperationalError)


def unavailable(exc: Exception) -> ServiceUnavailable:
    """The Dutch 503 for a failure in UNAVAILABLE."""
    if isinstance(exc, sa_exc.TimeoutError):
        return ServiceUnavailable("Het is even erg druk. Probeer het over een paar seconden "
                                  "opnieuw.", retry_after=2)
    return ServiceUnavailable("Koppel kan de gegevens nu even niet bereiken. Probeer het over "
                              "een halve minuut opnieuw.", retry_after=30)


class Unauthorized(KoppelError):
    """No valid credentials were presented."""

    status_code = 401
    code = "unauthorized"


class Forbidden(KoppelError):
    """Signed in, but this role may not do this."""

    status_code = 403
    code = "forbidden"


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
    "model_type": "moet een object zijn",
    "int_type": "moet een geheel getal zijn",
    "float_type": "moet een getal zijn",
    "bool_type": "moet ja of nee (true/false) zijn",
    "date_type": "moet een datum zijn (JJJJ-MM-DD)",
    "date_from_datetime_inexact": "moet een datum zijn (JJJJ-MM-DD)",
    "finite_number": "moet een gewoon getal zijn",
    "less_than": "is te groot",
    "too_long": "bevat te veel waarden",
    "too_short": "bevat te weinig waarden",
    "string_unicode": "moet gewone tekst zijn",
    "url_too_long": "is te lang",
    "url_type": "is geen geldig webadres",
    "enum": "is geen van de mogelijke keuzes",
    "literal_error": "is geen van de mogelijke keuzes",
}
# What a status means, for errors that reach us without a Dutch word of our own.
HTTP_ERRORS = {
    400: ("bad_request", "Het verzoek kon niet worden gelezen."),
    401: ("unauthorized", "Log in om dit te doen."),
    403: ("forbidden", "Uw rol mag dit niet."),
    404: ("not_found", "Niet gevonden."),
    405: ("method_not_allowed", "Dat kan op dit adres niet."),
    413: ("too_large", "Het verzoek is te groot."),
    415: ("unsupported_media_type", "Deze vorm van gegevens wordt niet aangenomen."),
    500: ("internal_error", "Er ging iets mis aan onze kant."),
}


class ErrorBody(BaseModel):
    """The JSON shape of every error response."""

    error: str
    detail: str
    fields: dict[str, str] = {}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Het verzoek kon niet worden gelezen"},
    401: {"model": ErrorBody, "description": "Niet ingelogd, of het token is ongeldig"},
    403: {"model": ErrorBody, "description": "Deze rol mag dit niet"},
    404: {"model": ErrorBody, "description": "Niet gevonden"},
    409: {"model": ErrorBody, "description": "Botst met de huidige stand van zaken"},
    413: {"model": ErrorBody, "description": "Het verzoek is te groot"},
    422: {"model": ErrorBody, "description": "Ongeldige invoer, per veld uitgelegd"},
    429: {"model": ErrorBody, "description": "Te veel pogingen; zie Retry-After"},
    503: {"model": ErrorBody, "description": "Even niet beschikbaar; zie Retry-After"},
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
    return DUTCH_MESSAGES.get(error["type"], "is niet geldig")


def validation_fields(errors: list[dict]) -> dict[str, str]:
    """Turn pydantic errors into {field: Dutch reason}."""
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(_field_name(tuple(error["loc"])), _message(error))
    return fields


class HttpProblem(KoppelError):
    """A plain HTTP status (an unknown method, an unreadable body, a crash) in Dutch."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.status_code = status
        self.code, detail = HTTP_ERRORS.get(status, HTTP_ERRORS[400 if status < 500 else 500])
        super().__init__(detail)
        self.headers = headers or {}


class TooLarge(KoppelError):
    """A request body above the limit."""

    status_code = 413
    code = "too_large"


def describe(exc: Exception) -> KoppelError:
    """Any failure as one KoppelError: what the API and the site both render, in Dutch."""
    if isinstance(exc, KoppelError):
        return exc
    if isinstance(exc, RequestValidationError | ValidationError):
        return ValidationFailed(validation_fields(exc.errors()))
    if isinstance(exc, UNAVAILABLE):
        return unavailable(exc)
    if isinstance(exc, StarletteHTTPException):
        return HttpProblem(exc.status_code, dict(exc.headers or {}))
    return HttpProblem(500)


def headers_of(error: KoppelError) -> dict[str, str]:
    """Response headers an error carries (Retry-After, Allow)."""
    headers = dict(getattr(error, "headers", {}))
    if getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    return headers


# The exception types an adapter registers handlers for (all through describe()).
HANDLED: tuple[type[Exception], ...] = (KoppelError, RequestValidationError,
                                        StarletteHTTPException, *UNAVAILABLE, Exception)
