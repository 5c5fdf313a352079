"""/r/{link}: the rescuer's page and its taps; /r/scan/{code}: the lift's QR label target.

A tap carries its tap time (`at`) and an Idempotency-Key: a phone that was offline resends its
queue and nothing is recorded twice (the key's first answer is replayed)."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from adapters.bootstrap import Services
from adapters.http.deps import ServicesDep
from adapters.http.problems import problem
from adapters.http.rescuer.access import (
    COOKIE,
    LinkGone,
    Rescuer,
    TooManyMisses,
    client_of,
    gone,
    resolve,
    too_many,
)
from adapters.http.rescuer.actions import ACTIONS, record
from adapters.http.rescuer.page import page_model
from adapters.http.rescuer.phone_clock import PHONE_CLOCK, on_server_clock
from adapters.http.rescuer.scan import arrival_from_scan
from adapters.postgres.rescuer_links import links_store
from dispatch.commands import Context

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/r", include_in_schema=False)


async def _rescuer(services: Services, request: Request, link: str) -> Rescuer | Response:
    try:
        return await run_in_threadpool(resolve, services, links_store(services.pool,
                                       services.settings), client_of(request), link)
    except TooManyMisses:
        log.warning("rescuer_link_throttled")
        return too_many()
    except LinkGone:
        return gone()


@router.get("/scan/{code}")
async def scan(request: Request, code: str) -> Response:
    """A QR label printed with this URL (the public lift page /p/lifts/{code} calls the same
    hook first, so labels pointing there work too)."""
    return await run_in_threadpool(arrival_from_scan, request, code) or gone()


@router.get("/{link}")
async def rescuer_page(request: Request, link: str, services: ServicesDep) -> Response:
    found = await _rescuer(services, request, link)
    if isinstance(found, Response):
        return found
    model = await run_in_threadpool(page_model, services, found, link)
    page = request.app.state.templates.TemplateResponse(request, "rescuer.html", model)
    secure = services.settings.public_base_url.startswith("https://")
    page.set_cookie(COOKIE, link, httponly=True, samesite="lax", path="/", secure=secure,
                    max_age=max(1, int((found.link.expires_at - datetime.now(UTC))
                                       .total_seconds())))
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/{link}/{action}")
async def tap(request: Request, link: str, action: str, services: ServicesDep) -> Response:
    found = await _rescuer(services, request, link)
    if isinstance(found, Response):
        return found
    if action not in ACTIONS:
        return gone()
    as_json = request.headers.get("content-type", "").startswith("application/json")
    data = await (request.json() if as_json else request.form())
    data = dict(data) if isinstance(data, dict) or not as_json else {}
    key = request.headers.get("idempotency-key")
    if key is None or len(key) > 200:
        answer = await run_in_threadpool(_record, request, services, found, action, data)
    else:
        answer = await _once(request, services, found, action, data, key)
    if as_json:
        return answer
    return RedirectResponse(f"/r/{link}", status_code=303)


async def _once(request: Request, services: Services, rescuer: Rescuer, action: str,
                data: dict[str, Any], key: str) -> Response:
    """The API's idempotency store, scoped to this link: a resent tap gets the first answer."""
    store = services.idempotency
    scope = f"rescuer:{rescuer.link.link_hash}"
    body = json.dumps({"action": action, **data}, sort_keys=True, default=str).encode()
    claim = await run_in_threadpool(store.claim, scope, key, hashlib.sha256(body).hexdigest())
    if claim.conflict:
        # Still in progress (a phone resending after a lost answer): the phone keeps the tap
        # and asks again, rather than dropping it as refused.
        return problem(409, "Idempotency-Key conflict", claim.conflict, code="idempotency",
                       headers={"Retry-After": "1"} if claim.retry else None)
    if not claim.new:
        return Response(claim.body, status_code=claim.status or 200,
                        media_type="application/json", headers={"Idempotent-Replayed": "true"})
    try:
        answer = await run_in_threadpool(_record, request, services, rescuer, action, data)
    except Exception:
        await run_in_threadpool(store.release, scope, key)
        raise
    if answer.status_code >= 500:
        await run_in_threadpool(store.release, scope, key)
    else:
        await run_in_threadpool(store.finish, scope, key, answer.status_code, {}, answer.body)
    return answer


def _record(request: Request, services: Services, rescuer: Rescuer, action: str,
            data: dict[str, Any]) -> Response:
    """Run the tap's command through TicketApp; refusals answer as the API's problems do."""
    correlation_id = structlog.contextvars.get_contextvars().get("correlation_id", "")
    try:
        data = on_server_clock(data, request.headers.get(PHONE_CLOCK))
        outcome = record(services, rescuer, action, data, Context(rescuer.actor, correlation_id))
    except Exception as exc:  # noqa: BLE001 — answered by the app's own problem handlers
        return _problem(request, exc)
    log.info("rescuer_tap", action=action, ticket_id=str(rescuer.ticket.id),
             worker_id=rescuer.link.worker_id)
    return JSONResponse({"ok": True, "action": action, "version": outcome.ticket.version,
                         "ticket_id": str(UUID(str(outcome.ticket.id)))})


def _problem(request: Request, exc: Exception) -> Response:
    for kind in type(exc).__mro__:
        handler = request.app.exception_handlers.get(kind)
        if handler is not None and kind is not Exception:
            return handler(request, exc)
    raise exc
