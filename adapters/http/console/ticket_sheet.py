"""The ticket page's names and clocks, and the printable ticket sheet (no forms, phones masked)."""

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse

from adapters.bootstrap import Services
from adapters.http.console import actions
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsoleScope
from adapters.http.deps import ServicesDep
from adapters.http.presenters import event_public, ticket_public
from adapters.postgres.ticket_search import TicketFilter
from dispatch.errors import NotFound
from domain.ticket import Ticket
from domain.values import mask_mobile
from projections.tickets import maintenance_side


def _name(lookup, key: Any) -> str | None:
    """A registry aggregate's name, or None when there is no key or it is gone."""
    if not key:
        return None
    try:
        return lookup(key).name
    except (NotFound, ValueError):
        return None


def view_row(services: Services, ticket: Any, scope: str | None) -> dict[str, Any]:
    """The ticket's tickets_view row (maintenance-side notification, names); {} if not yet."""
    rows = services.ticket_queries.tickets(TicketFilter(unit_id=scope, q=ticket.ticket_no), 5)
    return next((r for r in rows if str(r["ticket_id"]) == str(ticket.id)), {})


def facts(services: Services, ticket: Any, scope: str | None) -> dict[str, Any]:
    """Station, unit and notified station by name, and the instants the page's clocks run from."""
    row, lift, station = view_row(services, ticket, scope), ticket.lift or {}, ticket.station or {}
    registry = services.registry
    station_id = lift.get("station_id") or row.get("station_id") or station.get("id")
    times = ticket.times
    return {
        "unit_name": lift.get("unit_name") or row.get("unit_name")
        or _name(registry.unit, lift.get("unit_id")),
        "station_name": lift.get("station_name") or row.get("station_name")
        or _name(registry.station, station_id),
        "notified_station_name": station.get("name") or row.get("notified_station_name")
        or _name(registry.station, station.get("id") or row.get("notified_station_id")),
        "maint_notified_at": _maint_notified_at(services, ticket, row),
        "ended_at": times.get("released") or times.get("closed") or _cancelled_at(ticket),
        "responder_mobile": mask_mobile((ticket.responder or {}).get("mobile")),
        "caller_phone": mask_mobile((ticket.caller or {}).get("phone")),
    }


def _maint_notified_at(services: Services, ticket: Any, row: dict[str, Any]) -> datetime | None:
    """The view's time (corrections applied) once it has caught up with the ticket; until then
    the ticket's own first maintenance-side notification, so a fresh notify shows at once."""
    if row.get("version") == ticket.version:
        return row.get("maint_notified_at")
    told = (e.occurred_at for e in services.tickets.history(ticket.id)
            if isinstance(e, Ticket.StationNotified) and maintenance_side(e))
    return next(told, row.get("maint_notified_at"))


def _cancelled_at(ticket: Any) -> datetime | None:
    cancelled = ticket.cancelled or {}
    at = cancelled.get("at") if isinstance(cancelled, dict) else None
    return datetime.fromisoformat(at) if isinstance(at, str) else at


def with_trapped_default(offered: list[actions.Action], trapped: int | None) -> list[actions.Action]:
    """The release form counts the people trapped unless the operator says otherwise."""
    if not trapped:
        return offered
    return [replace(a, fields=[replace(f, value=str(trapped)) if f.name == "released_count"
                               else f for f in a.fields]) if a.name == "release" else a
            for a in offered]


def print_sheet(request: Request, ticket_id: UUID, scope: ConsoleScope,
                services: ServicesDep) -> HTMLResponse:
    """GET /console/tickets/{id}/print: every fact and node time, the timeline, no forms."""
    ticket = services.tickets.ticket(ticket_id, unit_id=scope)
    events = [event_public(e) for e in services.tickets.history(ticket_id)]
    return render(request, "ticket_print.html", t=ticket_public(ticket), events=events,
                  facts=facts(services, ticket, scope))
