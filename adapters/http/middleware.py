"""Correlation ids, request logs and Idempotency-Key replay, as plain ASGI middleware.

Plain ASGI (not BaseHTTPMiddleware) keeps the per-request overhead small; blocking store calls
run in the thread pool, never on the event loop.
"""

import hashlib
import json
import time
import uuid
from typing import Any

import structlog
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("liftrescue.http")
REPLAYED_HEADERS = {b"content-type", b"etag", b"location"}
PROBLEM = b"application/problem+json"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class CorrelationMiddleware:
    """Bind a correlation id (client's X-Correlation-ID or new) to logs and the response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = (_header(scope, b"x-correlation-id") or uuid.uuid4().hex)[:64]
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
            log.info("request", method=scope["method"], path=scope["path"], status=status,
                     ms=round((time.perf_counter() - started) * 1000, 1))


async def _send_raw(send: Send, status: int, headers: list[tuple[bytes, bytes]],
                    body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _problem(send: Send, status: int, title: str, detail: str) -> None:
    body = json.dumps({"type": "https://liftrescue.dev/problems/idempotency", "title": title,
                       "status": status, "detail": detail}).encode()
    await _send_raw(send, status, [(b"content-type", PROBLEM)], body)


class IdempotencyMiddleware:
    """Same key + same body → the stored response; same key + other body → 409."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if not key or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        if len(key) > 200:
            await _problem(send, 400, "Idempotency-Key too long", "at most 200 characters")
            return
        body = await _read_body(receive)
        store = scope["app"].state.services.idempotency
        digest = hashlib.sha256(scope["path"].encode() + b"\0" + body).hexdigest()
        scope_key = hashlib.sha256((_header(scope, b"authorization") or "").encode()).hexdigest()
        claim = await run_in_threadpool(store.claim, scope_key, key, digest)
        if claim.conflict:
            await _problem(send, 409, "Idempotency-Key conflict", claim.conflict)
            return
        if not claim.new:
            headers = [(k.encode(), v.encode()) for k, v in (claim.headers or {}).items()]
            await _send_raw(send, claim.status or 200,
                            [*headers, (b"idempotent-replayed", b"true")], claim.body or b"")
            return
        await self._forward(scope, body, send, store, scope_key, key)

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
    # Starlette runs the last added middleware first: correlation wraps idempotency.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(CorrelationMiddleware)
