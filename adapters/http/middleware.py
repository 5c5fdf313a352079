"""Correlation ids, request logs and latency, Idempotency-Key replay, as plain ASGI middleware.

Plain ASGI (not BaseHTTPMiddleware) keeps the per-request overhead small; blocking store calls
run in the thread pool, never on the event loop.
"""

import hashlib
import time
import uuid
from typing import Any

import structlog
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser
from starlette.types import Message, Receive, Scope, Send

from adapters.http.auth import bearer_principal
from adapters.http.body_limit import BodyLimitMiddleware
from adapters.http.console.csrf import SESSION_COOKIE, ConsoleCsrfMiddleware
from adapters.http.plain_asgi import HttpMiddleware, header, send_problem, send_raw
from adapters.http.rescuer.redact import logged_path
from adapters.http.security_headers import SecurityHeadersMiddleware
from adapters.http.timing import observe_request
from adapters.postgres.tokens import digest

log = structlog.get_logger("liftrescue.http")
REPLAYED_HEADERS = {b"content-type", b"etag", b"location"}


async def caller_scope(scope: Scope) -> str | None:
    """Whose idempotency keys these are: the bearer token's id, or (console pages only) the
    session's hash; None for a caller that is not authenticated."""
    services = scope["app"].state.services
    scheme, _, token = (header(scope, b"authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        principal = await bearer_principal(services, token.strip())
        return f"token:{principal.token_id}" if principal else None
    session = cookie_parser(header(scope, b"cookie") or "").get(SESSION_COOKIE)
    if session and scope["path"].startswith("/console/"):
        principal = await run_in_threadpool(services.sessions.principal, session)
        return f"session:{digest(session)}" if principal else None
    return None


class CorrelationMiddleware(HttpMiddleware):
    """Bind a correlation id (client's X-Correlation-ID or new) to logs and the response; time
    every request (outermost, so refusals by the inner middleware are timed too)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        correlation_id = (header(scope, b"x-correlation-id") or uuid.uuid4().hex)[:64]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-correlation-id", correlation_id.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            observe_request(scope, status, elapsed)
            log.info("request", method=scope["method"], path=logged_path(scope["path"]),
                     status=status, ms=round(elapsed * 1000, 1))


class IdempotencyMiddleware(HttpMiddleware):
    """Same caller + key + body → the stored response; same key + other body → 409.

    Keys are honoured only for an authenticated caller and scoped to it (API token or console
    session): an anonymous request passes through to its 401 and never stores anything."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key")
        if not key or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        if len(key) > 200:
            await send_problem(send, 400, "idempotency", "Idempotency-Key too long",
                               "Idempotency-Key: at most 200 characters")
            return
        caller = await caller_scope(scope)
        if caller is None:  # unauthenticated: the route answers 401 (or the login redirect)
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        store = scope["app"].state.services.idempotency
        request_hash = hashlib.sha256(scope["path"].encode() + b"\0" + body).hexdigest()
        claim = await run_in_threadpool(store.claim, caller, key, request_hash)
        if claim.conflict:
            await send_problem(send, 409, "idempotency", "Idempotency-Key conflict",
                               claim.conflict)
            return
        if not claim.new:
            headers = [(k.encode(), v.encode()) for k, v in (claim.headers or {}).items()]
            await send_raw(send, claim.status or 200,
                           [*headers, (b"idempotent-replayed", b"true")], claim.body or b"")
            return
        await self._forward(scope, body, send, store, caller, key)

    async def _forward(self, scope: Scope, body: bytes, send: Send, store: Any, scope_key: str,
                       key: str) -> None:
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": b""}
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], message["headers"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        except Exception:
            await run_in_threadpool(store.release, scope_key, key)
            raise
        if captured["status"] >= 500:
            await run_in_threadpool(store.release, scope_key, key)
            return
        kept = {k.decode(): v.decode() for k, v in captured["headers"] if k in REPLAYED_HEADERS}
        await run_in_threadpool(store.finish, scope_key, key, captured["status"], kept,
                                captured["body"])


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def install(app: FastAPI) -> None:
    """Outermost first: correlation → security headers → body limit → console CSRF →
    idempotency → routes. The body limit is the first body reader; CSRF and idempotency refuse
    before anything is stored."""
    # Starlette runs the last added middleware first.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(ConsoleCsrfMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(CorrelationMiddleware)
