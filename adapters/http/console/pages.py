"""Console pages: login, ticket (timeline + actions), auditor history."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from adapters.bootstrap import Services
from adapters.http.auth import unit_scope
from adapters.http.console import actions, sign_in, ticket_sheet
from adapters.http.console.rendering import render
from adapters.http.console.session import (
    COOKIE,
    ConsolePrincipal,
    ConsoleScope,
    ensure_login_token,
    login_csrf,
)
from adapters.http.deps import ServicesDep, SettingsDep, TicketsDep, context_of
from adapters.http.presenters import event_public, ticket_public
from adapters.http.problems import in_city
from dispatch.errors import ConcurrentUpdate, VersionMismatch
from domain.errors import DomainError

router = APIRouter(prefix="/console", include_in_schema=False)
STALE = "工单已被他人更新，请查看最新状态后重试 (ticket changed meanwhile)"


@router.get("/login")
def login_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    ensure_login_token(request)
    response = render(request, "login.html")
    login_csrf(request, response, settings)
    return response


@router.post("/login")
def login(request: Request, services: ServicesDep,
          username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          token: Annotated[str | None, Form()] = None) -> HTMLResponse:
    # The CSRF middleware has checked the form's token against the login cookie.
    ensure_login_token(request)
    if token is not None:  # the machines' form (monitors, call centre, scripts)
        return sign_in.with_token(request, services, token)
    return sign_in.with_password(request, services, username, password)


@router.post("/logout")
def logout(request: Request, services: ServicesDep) -> RedirectResponse:
    if session := request.cookies.get(COOKIE):
        services.sessions.close(session)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def ticket_page(request: Request, services: Services, principal, ticket_id: UUID,  # noqa: ANN001
                error: str | None = None) -> HTMLResponse:
    scope = unit_scope(principal)
    ticket = services.tickets.ticket(ticket_id, unit_id=scope)
    events = [event_public(e) for e in services.tickets.history(ticket_id)]
    offered = actions.available(ticket, principal.role)
    if actions.offers_notify(offered):  # the station list only when it can be used
        stations = services.registry_queries.stations(scope)
        offered = actions.with_stations(
            offered, [(s["station_id"], f"{s['name']} ({s['district']})") for s in stations])
    offered = ticket_sheet.with_trapped_default(offered, ticket.trapped_count)
    return render(request, "ticket.html", t=ticket_public(ticket), events=events, error=error,
                  actions=offered, facts=ticket_sheet.facts(services, ticket, scope))


@router.get("/tickets/{ticket_id}")
def ticket(request: Request, ticket_id: UUID, principal: ConsolePrincipal,
           services: ServicesDep) -> HTMLResponse:
    return ticket_page(request, services, principal, ticket_id)


router.add_api_route("/tickets/{ticket_id}/print", ticket_sheet.print_sheet, methods=["GET"])


@router.post("/tickets/{ticket_id}/{action}")
async def run_action(request: Request, ticket_id: UUID, action: str,
                     principal: ConsolePrincipal, services: ServicesDep) -> HTMLResponse:
    form = {k: str(v) for k, v in (await request.form()).items()}
    # The event store blocks: keep it off the event loop.
    return await run_in_threadpool(_run_action, request, services, ticket_id, action,
                                   principal, form)


def _run_action(request: Request, services: Services, ticket_id: UUID,  # noqa: ANN001
                action: str, principal, form: dict[str, str]) -> HTMLResponse:
    chosen = actions.BY_NAME.get(action)
    if chosen is None or principal.role not in chosen.roles:
        return ticket_page(request, services, principal, ticket_id,
                           error="无权执行此操作 (not allowed)")
    try:
        command = actions.to_command(action, ticket_id, form)
        version = int(form["version"]) if form.get("version") else None
        services.tickets.handle(command, context_of(principal, version))
    except (DomainError, ValidationError, ValueError) as exc:
        message = in_city(exc, services.settings.timezone) if isinstance(exc, DomainError) \
            else str(exc).splitlines()[0]
        return ticket_page(request, services, principal, ticket_id, error=message)
    except (VersionMismatch, ConcurrentUpdate):
        return ticket_page(request, services, principal, ticket_id, error=STALE)
    return ticket_page(request, services, principal, ticket_id)


@router.get("/tickets/{ticket_id}/history")
def history(request: Request, ticket_id: UUID, scope: ConsoleScope, app: TicketsDep,
            version: Annotated[int | None, Query(ge=1)] = None) -> HTMLResponse:
    events = [event_public(e) for e in app.history(ticket_id, unit_id=scope)]
    state = app.ticket(ticket_id, version=version or events[-1].version)
    return render(request, "history.html", t=ticket_public(state), events=events,
                  latest=events[-1].version)


@router.get("/alarm")
def alarm_form(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    return render(request, "alarm.html")


@router.post("/alarm")
async def open_alarm(request: Request, principal: ConsolePrincipal,
                     tickets: TicketsDep) -> HTMLResponse:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    return await run_in_threadpool(_open_alarm, request, tickets, principal, form)


def _open_alarm(request: Request, tickets, principal, form: dict[str, str]):  # noqa: ANN001
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
    outcome = tickets.receive_alarm(ReceiveAlarm(
        lift=body.lift, source=body.source, source_ref=body.source_ref,
        trapped_count=body.trapped_count, caller=body.caller.model_dump() if body.caller else None),
        context_of(principal))
    return RedirectResponse(f"/console/tickets/{outcome.ticket.id}", status_code=303)
