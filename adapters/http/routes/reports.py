"""What units and supervisors read: incident dynamics, ticket lists, overtime, statistics."""

import base64
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse

from adapters.http import export_columns as columns
from adapters.http.deps import (
    CurrentUnitScope,
    SettingsDep,
    TicketQueriesDep,
    TicketsCaughtUp,
    UnitFilter,
)
from adapters.http.exports import ExportFormat, every_row, respond
from adapters.http.query_params import only_declared_query
from adapters.http.windows import From, To  # bounded: year 1 / 9999 are 422, not 500
from adapters.postgres.ticket_queries import TicketQueries
from adapters.postgres.ticket_search import TicketFilter
from dispatch.errors import NotFound
from projections.tickets import ORDER, minutes

router = APIRouter(prefix="/v1", tags=["projections"],
                   dependencies=[Depends(only_declared_query)])


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
            "unit_name": row["unit_name"], "rescue_code": row["rescue_code"],
            "using_unit_code": row["using_unit_code"], "using_unit_name": row["using_unit_name"],
            "address": row["address"], "district": row["district"],
            "station_id": row["station_id"],
            "station": row["station_name"] or row["station_id"], "status": row["status"],
            "level": row["level"], "received_at": row["received_at"],
            "notified_at": row["notified_at"], "assigned_at": row["assigned_at"],
            "responder": row["responder_name"], "arrived_at": row["arrived_at"],
            "released_at": row["released_at"], "maint_notified_at": row["maint_notified_at"],
            "minutes_to_arrive": to_arrive, "overtime": row["overtime_reason"] is not None,
            "overtime_reason": row["overtime_reason"], "timeline": timeline}


@router.get("/dynamics")
def dynamics(_: TicketsCaughtUp, unit_id: UnitFilter, queries: TicketQueriesDep,
             fmt: ExportFormat, using_unit: Annotated[str | None, Query(
                 description="a using unit's code or exact name")] = None,
             limit: Annotated[int, Query(ge=1, le=200)] = 15) -> Any:
    """Newest tickets first, with every node time and the per-ticket timeline (困人动态), of a
    maintenance unit (`unit_id`) and/or a using unit (`using_unit`)."""
    rows = queries.tickets(TicketFilter(unit_id=unit_id, using_unit=using_unit), limit)
    items = [dynamic_item(r) for r in rows]
    if fmt:
        return respond(items, columns.TICKETS, "dynamics", fmt)
    return {"items": items}


def _cursor(raw: str | None, newest_first: bool) -> tuple[datetime, str] | None:
    if raw is None:
        return None
    try:
        order, at, ticket_id = base64.urlsafe_b64decode(raw.encode()).decode().split("|", 2)
        if order != ORDERS[newest_first]:
            raise ValueError("sorted the other way")
        return datetime.fromisoformat(at), ticket_id
    except ValueError:
        raise RequestValidationError([{
            "type": "value_error", "loc": ("query", "cursor"), "input": None,
            "msg": "not a cursor this list returned for this sort; start again without it"}]
        ) from None


def next_cursor(rows: list[dict[str, Any]], limit: int, newest_first: bool) -> str | None:
    """The opaque position after the last row of a full page (None: this was the last)."""
    if len(rows) < limit:
        return None
    last = rows[-1]
    raw = f"{ORDERS[newest_first]}|{last['received_at'].isoformat()}|{last['ticket_id']}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


ORDERS = {True: "-received_at", False: "received_at"}
Status = Literal["received", "notified", "assigned", "arrived", "released", "closed",
                 "cancelled"]


def ticket_filter(unit_id: UnitFilter, start: From = None, to: To = None,
                  q: Annotated[str | None, Query(max_length=200, description=(
                      "ticket number, registration or rescue code, using-unit name or a "
                      "fragment of the address"))] = None,
                  lift: Annotated[str | None, Query(max_length=40, description=(
                      "registration or rescue code"))] = None,
                  using_unit: Annotated[str | None, Query(max_length=200, description=(
                      "a using unit's code or exact name"))] = None,
                  station_id: Annotated[str | None, Query(max_length=100)] = None,
                  district: Annotated[str | None, Query(max_length=100)] = None,
                  status: Status | None = None) -> TicketFilter:
    """The filters of a ticket list (unit tokens confined to their unit)."""
    return TicketFilter(unit_id=unit_id, q=q or None, lift=lift or None,
                        using_unit=using_unit or None, station_id=station_id or None,
                        district=district or None, status=status, start=start, end=to)


TicketFilterDep = Annotated[TicketFilter, Depends(ticket_filter)]


def ticket_page(queries: TicketQueries, where: TicketFilter, limit: int, cursor: str | None,
                sort: str) -> tuple[list[dict[str, Any]], str | None]:
    """One page of list rows and the cursor of the next (the API list and the console's)."""
    newest_first = sort == ORDERS[True]
    rows = queries.tickets(where, limit, _cursor(cursor, newest_first), newest_first)
    return [dynamic_item(r) for r in rows], next_cursor(rows, limit, newest_first)


@router.get("/tickets")
def list_tickets(_: TicketsCaughtUp, where: TicketFilterDep, queries: TicketQueriesDep,
                 fmt: ExportFormat, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 cursor: Annotated[str | None, Query(max_length=300)] = None,
                 sort: Literal["-received_at", "received_at"] = "-received_at"
                 ) -> Any:
    """Tickets (closed ones too), newest first unless `sort=received_at`, every filter combined,
    paged by an opaque `cursor` (`next_cursor`: null on the last page)."""
    if fmt:  # every matching ticket, whatever limit and cursor say
        rows = every_row(lambda after: ticket_page(queries, where, 500, after, sort))
        return respond(rows, columns.TICKETS, "tickets", fmt)
    items, after = ticket_page(queries, where, limit, cursor, sort)
    return {"items": items, "next_cursor": after}


@router.get("/tickets/by-no/{ticket_no}", status_code=307, response_class=RedirectResponse)
def ticket_by_number(ticket_no: str, scope: CurrentUnitScope,
                     queries: TicketQueriesDep) -> RedirectResponse:
    """307 to the ticket with this number; 404 if none (or another unit's, for unit tokens)."""
    found = queries.ticket_of_number(ticket_no)
    if found is None or (scope is not None and found["unit_id"] != scope):
        raise NotFound(f"no ticket numbered {ticket_no}")
    return RedirectResponse(f"/v1/tickets/{found['ticket_id']}", status_code=307)


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
