"""One error hierarchy for the whole application; the API renders each as one JSON shape."""

from typing import Any


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


class NotFound(KoppelError):
    """An unknown id, or one the caller may not know exists."""

    status_code = 404
    code = "not_found"


class Conflict(KoppelError):
    """The request clashes with the current state of a record."""

    status_code = 409
    code = "conflict"


class Unauthorized(KoppelError):
    """No valid credentials were presented."""

    status_code = 401
    code = "unauthorized"


class Forbidden(KoppelError):
    """Signed in, but this role may not do this."""

    status_code = 403
    code = "forbidden"
