"""What no API route answers: 405 with Allow when the path exists, else 404, as JSON."""

from fastapi import APIRouter, Request
from starlette.routing import Match, Mount

from core.errors import HttpProblem, NotFound
from core.permissions import permission

router = APIRouter(include_in_schema=False)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@router.api_route("/{rest:path}", methods=METHODS, name="api_unknown",
                  dependencies=[permission("system.public")])
def unknown(request: Request, rest: str):
    """Without this, the site mounted at / would answer an API path with an HTML page."""
    # Every API route but this one; the site's mount would match any path.
    others = [route for route in request.app.routes if not isinstance(route, Mount)
              and getattr(route, "original_router", None) is not router]
    allowed = sorted(method for method in METHODS if any(
        route.matches(dict(request.scope, method=method))[0] == Match.FULL
        for route in others))
    if allowed:
        raise HttpProblem(405, headers={"Allow": ", ".join(allowed)})
    raise NotFound("Niet gevonden.")
