"""Security for every request of the web sub-app: headers, CSRF rules, safe redirects."""

from pathlib import Path
from urllib.parse import urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "frame-ancestors 'none'; object-src 'none'"
)


# Swagger UI (served from our own origin) sets inline styles from its scripts.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    """Adds CSP without inline script, nosniff, referrer policy and framing protection."""

    def __init__(self, app: ASGIApp, docs_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        csp = DOCS_CSP if scope["path"] in self.docs_paths else CSP

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                if https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers.extend((k, v) for k, v in extra if k not in names)
            await send(message)

        await self.app(scope, receive, _send)


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else becomes the home page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def next_param(target: str) -> str:
    """The query string that carries the page to return to after login."""
    return urlencode({"next": safe_next(target)})


class Everywhere:
    """For asgi_csrf's always_protect: every path, so a POST without cookies is checked too."""

    def __contains__(self, _path: object) -> bool:
        return True


class IgnoreAuthorization:
    """The site signs people in by cookie only. asgi_csrf would wave any request carrying an
    `Authorization: Bearer` header through, so the header is dropped before it looks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = dict(scope, headers=[(k, v) for k, v in scope["headers"]
                                         if k.lower() != b"authorization"])
        await self.app(scope, receive, send)


# A fixed page: the refusal comes from middleware, before any template context exists.
CSRF_PAGE = (Path(__file__).parent / "templates" / "csrf_failed.html").read_bytes()


async def csrf_failed(scope: Scope, send: Send, _message_id: object) -> None:
    """asgi_csrf's refusal, as a Dutch page."""
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})
    await send({"type": "http.response.body", "body": CSRF_PAGE})
