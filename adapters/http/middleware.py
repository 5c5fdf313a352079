"""Correlation ids, request logs and Idempotency-Key replay, around every request."""

import hashlib
import time
import uuid

import structlog
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from adapters.http.problems import problem

log = structlog.get_logger("liftrescue.http")
REPLAYED_HEADERS = ("content-type", "etag", "location")


class CorrelationMiddleware(BaseHTTPMiddleware):
    """Bind a correlation id (client's X-Correlation-ID or new) to logs and the response."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        correlation_id = request.headers.get("x-correlation-id") or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id[:64])
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["X-Correlation-ID"] = correlation_id[:64]
        log.info("request", method=request.method, path=request.url.path,
                 status=response.status_code,
                 ms=round((time.perf_counter() - started) * 1000, 1))
        return response


class IdempotencyMiddleware(BaseHTTPMiddleware):
    """Same key + same body → the stored response; same key + other body → 409."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get("idempotency-key")
        if request.method != "POST" or not key:
            return await call_next(request)
        if len(key) > 200:
            return problem(400, "Idempotency-Key too long", "at most 200 characters")
        store = request.app.state.services.idempotency
        body = await request.body()
        digest = hashlib.sha256(request.url.path.encode() + b"\0" + body).hexdigest()
        scope = request.headers.get("authorization", "anonymous")
        scope = hashlib.sha256(scope.encode()).hexdigest()
        claim = store.claim(scope, key, digest)
        if claim.conflict:
            return problem(409, "Idempotency-Key conflict", claim.conflict, code="idempotency")
        if not claim.new:
            headers = dict(claim.headers or {}) | {"Idempotent-Replayed": "true"}
            return Response(claim.body, status_code=claim.status or 200, headers=headers)
        try:
            response = await call_next(request)
            payload = b"".join([chunk async for chunk in response.body_iterator])
        except Exception:
            store.release(scope, key)
            raise
        headers = {k: v for k, v in response.headers.items() if k in REPLAYED_HEADERS}
        if response.status_code >= 500:
            store.release(scope, key)
        else:
            store.finish(scope, key, response.status_code, headers, payload)
        return Response(payload, status_code=response.status_code, headers=dict(response.headers))


def install(app: FastAPI) -> None:
    # Starlette runs the last added middleware first: correlation wraps idempotency.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(CorrelationMiddleware)
