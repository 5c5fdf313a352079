"""Request body limit: the outermost body reader, before authentication and before any parsing.

A declared Content-Length above the limit is refused at once, unread. A body without one
(chunked) is counted as it streams; the first chunk past the limit answers 413 and stops the
read. Every route fits the default 1 MiB: the largest legitimate body, a bind or batch-update of
5000 registration codes, is about 120 KB, so no route needs an allowance of its own."""

import structlog
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.plain_asgi import HttpMiddleware, header, send_problem
from adapters.http.rescuer.redact import logged_path

log = structlog.get_logger("liftrescue.http")
DEFAULT_LIMIT = 1_048_576


class BodyTooLarge(HTTPException):
    """Raised from receive() past the limit; an HTTPException so body parsers re-raise it."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


class BodyLimitMiddleware(HttpMiddleware):
    """413 problem for bodies above `max_body_bytes`, whether declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int | None = None):
        super().__init__(app)
        self.limit = limit

    def _limit(self, scope: Scope) -> int:
        if self.limit is not None:
            return self.limit
        services = getattr(scope["app"].state, "services", None)
        return services.settings.max_body_bytes if services else DEFAULT_LIMIT

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self._limit(scope)
        declared = header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(scope, send, limit, declared)
            return
        started = refused = False
        received = 0

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # we already answered 413: whatever the app says now is dropped
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        async def counted_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started and not refused:
                        await _refuse(scope, send, limit, f"{received}+ streamed")
                    refused = True
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            if not refused:
                raise
            # Answered already; the app stopped reading where it should.


async def _refuse(scope: Scope, send: Send, limit: int, size: str) -> None:
    log.warning("request_body_too_large", path=logged_path(scope["path"]), limit=limit, size=size)
    await send_problem(send, 413, "payload_too_large", "Request body too large",
                       f"请求体最多 {limit} 字节（收到 {size}）"
                       f"(body: at most {limit} bytes are accepted (got {size}))")
