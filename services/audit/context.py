"""The current request's id, for audit events and logs."""

import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id: ContextVar[str | None] = ContextVar("koppel_request_id", default=None)


class RequestIdMiddleware:
    """Give every request an id (or keep a sane X-Request-ID) and echo it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if incoming.isascii() and 8 <= len(incoming) <= 64 and \
            incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        token = request_id.set(rid)

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            request_id.reset(token)
