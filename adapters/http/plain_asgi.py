"""Header lookup and complete responses for the plain ASGI middlewares (no Request objects)."""

import json

from starlette.types import ASGIApp, Receive, Scope, Send

PROBLEM = b"application/problem+json"


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header (name in lower case), else None."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def send_raw(send: Send, status: int, headers: list[tuple[bytes, bytes]],
                   body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def send_problem(send: Send, status: int, code: str, title: str, detail: str) -> None:
    """An RFC 9457 problem, shaped like adapters.http.problems.problem."""
    body = json.dumps({"type": f"https://liftrescue.dev/problems/{code}", "title": title,
                       "status": status, "detail": detail}).encode()
    await send_raw(send, status, [(b"content-type", PROBLEM)], body)


class HttpMiddleware:
    """A plain ASGI middleware of HTTP requests: other scopes (lifespan) pass straight through."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What the middleware does with one HTTP request."""
        raise NotImplementedError
