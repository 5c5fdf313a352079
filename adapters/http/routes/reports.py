"""What units and supervisors read: incident dynamics, ticket lists, overtime, statistics."""

import base64
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException

from adapters.http import export_columns as columns
from adapters.http.deps import SettingsDep, TicketQueriesDep, TicketsCaughtUp, UnitFilter
from adapters.http.exports import ExportFormat, respond
from adapters.http.windows import From, To  # bounded: year 1 / 9999 are 422, not 500
from projections.tickets import ORDER, minutes

router = APIRouter(prefix="/v1", tags=["projections"])


def dynamic_item(row: dict[str, Any]) -> dict[str, Any]:
    """A ticket with its node times; minutes and overtime run from the maintenance side's
    notification (maint_notified_at), as on the overtime list."""
    to_arrive = minutes(row["maint_notified_at"], row["arrived_at"])
    timeline, previous = [], None
    for node in ORDER:
        at = row[f"{node}_at"]
        if at is not None:
            timeline.append({"node": node, "at": at, "minutes_since_previous":
                             minutes(previous, at) if previous else None})
            previous = at
    return {"ticket_id": row["ticket_id"], "ticket_no": row["ticket_no"],
            "lift": row["registration_code"] or row["lift_code"], "unit_id": row["unit_id"],
            "station": row["station_name"] or row["station_id"], "status": row["status"],
            "level": row["level"], "received_at": row["received_at"],
            "notified_at": row["notified_at"], "assigned_at": row["assigned_at"],
            "responder": row["responder_name"], "arrived_at": row["arrived_at"],
            "released_at": row["released_at"], "maint_notified_at": row["maint_notified_at"],
            "minutes_to_arrive": to_arrive, "overtime": row["overtime_reason"] is not None,
            "overtime_reason": row["overtime_reason"], "timeline": timeline}


@router.get("/dynamics")
def dynamics(_: TicketsCaughtUp, unit_id: UnitFilter, queries: TicketQueriesDep,
             limit: Annotated[int, Query(ge=1, le=200)] = 15) -> dict[str, Any]:
    """Newest tickets first, with every node time and the per-ticket timeline (困人动态)."""
    rows = queries.dynamics(unit_id, limit)
    return {"items": [dynamic_item(r) for r in rows]}


def _cursor(raw: str | None) -> tuple[datetime, str] | None:
    if raw is None:
        return None
    try:
        at, ticket_id = base64.urlsafe_b64decode(raw.encode()).decode().split("|", 1)
        return datetime.fromisoformat(at), ticket_id
    except ValueError:
        raise HTTPException(400, "cursor is not one this API returned") from None


@router.get("/tickets")
def list_tickets(_: TicketsCaughtUp, unit_id: UnitFilter, queries: TicketQueriesDep,
                 status: Literal["received", "notified", "assigned", "arrived", "released",
                                 "closed", "cancelled"] | None = None,
                 start: From = None, to: To = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 cursor: str | None = None) -> dict[str, Any]:
    """Tickets newest first, filtered and paged (`next_cursor`)."""
    rows = queries.tickets(unit_id, status, start, to, limit, _cursor(cursor))
    items = [dynamic_item(r) for r in rows]
    next_cursor = None
    if len(rows) == limit:
        last = rows[-1]
        next_cursor = base64.urlsafe_b64encode(
            f"{last['received_at'].isoformat()}|{last['ticket_id']}".encode()).decode()
    return {"items": items, "next_cursor": next_cursor}


@router.get("/overtime")
def overtime(_: TicketsCaughtUp, unit_id: UnitFilter, queries: TicketQueriesDep,
             settings: SettingsDep, fmt: ExportFormat, station_id: str | None = None,
             start: From = None, to: To = None) -> Any:
    """Tickets whose rescuer did not reach the site within the limit (30 min) of the maintenance
    side's notification: arrived late, never arrived (released by others), or still open."""
    items = queries.overtime(unit_id, station_id, start, to)
    if fmt:
        return respond(items, columns.OVERTIME, "overtime", fmt)
    return {"threshold_minutes": settings.overtime_minutes, "items": items}


@router.get("/overtime/open")
def overtime_open(unit_id: UnitFilter, queries: TicketQueriesDep,
                  settings: SettingsDep, fmt: ExportFormat) -> Any:
    """Open tickets notified longer ago than the limit, rescuer not yet on site (live)."""
    items = queries.open_overdue(unit_id)
    if fmt:
        return respond(items, columns.OVERTIME, "overtime-open", fmt)
    return {"threshold_minutes": settings.overtime_minutes, "items": items}


@router.get("/stats/tickets")
def stats_tickets(group_by: Literal["station", "unit", "district", "site_type", "hour",
                                   "cause"],
                  unit_id: UnitFilter, queries: TicketQueriesDep, fmt: ExportFormat,
                  start: From = None, to: To = None) -> Any:
    """Entrapment tickets counted by station, unit, district, site type, hour or cause; station
    and unit are keyed by id (null: none) with the name beside it."""
    rows = queries.counts(group_by, unit_id, start, to)
    if fmt:
        return respond(rows, columns.STATS_TICKETS, f"stats-tickets-by-{group_by}", fmt)
    return {"group_by": group_by, "items": rows}


@router.get("/stats/entrapment-rate")
def entrapment_rate(unit_id: UnitFilter, queries: TicketQueriesDep, fmt: ExportFormat,
                    start: From = None, to: To = None) -> Any:
    """困人率: lifts in service per entrapment ticket, and tickets per 10,000 lifts."""
    rate = queries.entrapment_rate(unit_id, start, to)
    if fmt:
        return respond([rate], columns.ENTRAPMENT_RATE, "entrapment-rate", fmt)
    return rate


@router.get("/stats/lifts")
def stats_lifts(unit_id: UnitFilter, queries: TicketQueriesDep, fmt: ExportFormat,
                start: From = None, to: To = None,
                min_tickets: Annotated[int, Query(ge=1)] = 2) -> Any:
    """Lifts with at least `min_tickets` entrapments in the window (单台电梯困人数)."""
    items = queries.per_lift(unit_id, start, to, min_tickets)
    if fmt:
        return respond(items, columns.STATS_LIFTS, "stats-lifts", fmt)
    return {"items": items}


@router.get("/fault-reports/missing")
def missing_fault_reports(unit_id: UnitFilter, queries: TicketQueriesDep) -> dict[str, Any]:
    """Released tickets still waiting for their fault analysis report."""
    return {"items": queries.missing_fault_reports(unit_id)}
