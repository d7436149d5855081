"""A ceiling on request bodies, for the API and the site alike."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import HttpProblem, TooLarge


class BodyLimitMiddleware:
    """Refuse a body above max_bytes: at once when Content-Length says so, else while reading
    (the adapter then renders the error in its own way)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise TooLarge("Het verzoek is te groot.")
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        problem = HttpProblem(413)
        if scope["path"].startswith("/api/"):
            body, kind = json.dumps(problem.as_dict()).encode(), b"application/json"
        else:
            body = (f'<!doctype html><html lang="nl"><title>Te groot</title>'
                    f"<h1>Te groot</h1><p>{problem.detail}</p></html>").encode()
            kind = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": body})
