"""Console pages: login, ticket (timeline + actions), auditor history."""

from typing import Annotated
from uuid import UUID

import structlog
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from adapters.http.auth import unit_scope
from adapters.http.console import actions
from adapters.http.console.session import (
    COOKIE,
    ConsolePrincipal,
    ensure_login_token,
    login_csrf,
    set_session_cookie,
)
from adapters.http.presenters import event_public, ticket_public
from dispatch.commands import Context, TicketStep
from dispatch.errors import ConcurrentUpdate, VersionMismatch
from domain.errors import DomainError

router = APIRouter(prefix="/console", include_in_schema=False)
STALE = "工单已被他人更新，请查看最新状态后重试 (ticket changed meanwhile)"


def render(request: Request, name: str, **context) -> HTMLResponse:
    templates = request.app.state.templates
    principal = getattr(request.state, "principal", None)
    nav = actions_nav(principal.role) if principal else []
    return templates.TemplateResponse(request, name, {"principal": principal, "nav": nav,
                                                      **context})


def actions_nav(role: str) -> list[tuple[str, str]]:
    from adapters.http.console.rendering import NAV

    return NAV.get(role, [])


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    ensure_login_token(request)
    response = render(request, "login.html")
    login_csrf(request, response)
    return response


@router.post("/login")
def login(request: Request, token: Annotated[str, Form()]) -> HTMLResponse:
    # The CSRF middleware has checked the form's token against the login cookie.
    session = request.app.state.services.sessions.open(token.strip())
    if session is None:
        return render(request, "login.html", error="令牌无效或已吊销 (invalid or revoked token)")
    response = RedirectResponse("/console/board", status_code=303)
    set_session_cookie(response, request, session)
    return response


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    if session := request.cookies.get(COOKIE):
        request.app.state.services.sessions.close(session)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def ticket_page(request: Request, principal, ticket_id: UUID, error: str | None = None):  # noqa: ANN001
    app = request.app.state.services.tickets
    ticket = app.ticket(ticket_id, unit_id=unit_scope(principal))
    events = [event_public(e) for e in app.history(ticket_id)]
    offered = actions.available(ticket, principal.role)
    if actions.offers_notify(offered):  # the station list only when it can be used
        stations = request.app.state.services.registry_queries.stations(unit_scope(principal))
        offered = actions.with_stations(
            offered, [(s["station_id"], f"{s['name']} ({s['district']})") for s in stations])
    return render(request, "ticket.html", t=ticket_public(ticket), events=events, error=error,
                  actions=offered)


@router.get("/tickets/{ticket_id}")
def ticket(request: Request, ticket_id: UUID, principal: ConsolePrincipal) -> HTMLResponse:
    return ticket_page(request, principal, ticket_id)


@router.post("/tickets/{ticket_id}/{action}")
async def run_action(request: Request, ticket_id: UUID, action: str,
                     principal: ConsolePrincipal) -> HTMLResponse:
    form = {k: str(v) for k, v in (await request.form()).items()}
    # The event store blocks: keep it off the event loop.
    return await run_in_threadpool(_run_action, request, ticket_id, action, principal, form)


def _run_action(request: Request, ticket_id: UUID, action: str, principal,  # noqa: ANN001
                form: dict[str, str]) -> HTMLResponse:
    chosen = actions.BY_NAME.get(action)
    if chosen is None or principal.role not in chosen.roles:
        return ticket_page(request, principal, ticket_id, error="无权执行此操作 (not allowed)")
    try:
        kind, data = actions.to_step(action, form)
        ctx = Context(principal.subject, structlog.contextvars.get_contextvars().get(
            "correlation_id", ""), int(form["version"]) if form.get("version") else None,
            unit_scope(principal))
        request.app.state.services.tickets.step(TicketStep(ticket_id, kind, None, data), ctx)
    except (DomainError, ValidationError, ValueError) as exc:
        message = getattr(exc, "message", None) or str(exc).splitlines()[0]
        return ticket_page(request, principal, ticket_id, error=message)
    except (VersionMismatch, ConcurrentUpdate):
        return ticket_page(request, principal, ticket_id, error=STALE)
    return ticket_page(request, principal, ticket_id)


@router.get("/tickets/{ticket_id}/history")
def history(request: Request, ticket_id: UUID, principal: ConsolePrincipal,
            version: Annotated[int | None, Query(ge=1)] = None) -> HTMLResponse:
    app = request.app.state.services.tickets
    events = [event_public(e) for e in app.history(ticket_id, unit_id=unit_scope(principal))]
    state = app.ticket(ticket_id, version=version or events[-1].version)
    return render(request, "history.html", t=ticket_public(state), events=events,
                  latest=events[-1].version)


@router.get("/alarm")
def alarm_form(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    return render(request, "alarm.html")


@router.post("/alarm")
async def open_alarm(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    return await run_in_threadpool(_open_alarm, request, principal, form)


def _open_alarm(request: Request, principal, form: dict[str, str]):  # noqa: ANN001
    from adapters.http.schemas import AlarmCreate
    from dispatch.commands import ReceiveAlarm

    if principal.role not in actions.OPS:
        return render(request, "alarm.html", error="无权接警 (operators only)")
    try:
        body = AlarmCreate(lift=form.get("lift", ""), source=form.get("source", "phone"),
                           source_ref=form.get("source_ref", ""),
                           trapped_count=int(form["trapped_count"]) if form.get("trapped_count") else None,
                           caller={"phone": form["caller_phone"]} if form.get("caller_phone") else None)
    except (ValidationError, ValueError) as exc:
        return render(request, "alarm.html", error=str(exc).splitlines()[0:3])
    ctx = Context(principal.subject, structlog.contextvars.get_contextvars().get("correlation_id", ""))
    outcome = request.app.state.services.tickets.receive_alarm(ReceiveAlarm(
        lift=body.lift, source=body.source, source_ref=body.source_ref,
        trapped_count=body.trapped_count, caller=body.caller.model_dump() if body.caller else None),
        ctx)
    return RedirectResponse(f"/console/tickets/{outcome.ticket.id}", status_code=303)
