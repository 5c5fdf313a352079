"""What units and supervisors read: incident dynamics, ticket lists, overtime, statistics."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse

from adapters.http import export_columns as columns
from adapters.http import stats_columns
from adapters.http.deps import (
    CurrentUnitScope,
    IndicatorsDep,
    LiftsCaughtUp,
    SettingsDep,
    TicketQueriesDep,
    TicketsCaughtUp,
    UnitFilter,
)
from adapters.http.exports import ExportFormat, every_row, respond
from adapters.http.query_params import only_declared_query
from adapters.http.ticket_lists import Status, dynamic_item, ticket_page
from adapters.http.windows import (  # bounded: year 1 / 9999 are 422, not 500
    From,
    To,
    window_in_order,
)
from adapters.postgres.indicators import Group, sort_rows
from adapters.postgres.ticket_search import TicketFilter
from adapters.runtime.settings import Settings
from dispatch.errors import NotFound

router = APIRouter(prefix="/v1", tags=["projections"],
                   dependencies=[Depends(only_declared_query), Depends(window_in_order)])


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
    """Tickets whose rescuer did not reach the site within the arrival limit of the lift's
    district (`limit_minutes`; 30 min by default) of the maintenance side's notification:
    arrived late, never arrived (released by others), or still open."""
    items = queries.overtime(unit_id, station_id, start, to)
    if fmt:
        return respond(items, columns.OVERTIME, "overtime", fmt)
    return {**_limits(settings), "items": items}


@router.get("/overtime/open")
def overtime_open(unit_id: UnitFilter, queries: TicketQueriesDep,
                  settings: SettingsDep, fmt: ExportFormat) -> Any:
    """Open tickets notified longer ago than the limit, rescuer not yet on site (live)."""
    items = queries.open_overdue(unit_id)
    if fmt:
        return respond(items, columns.OVERTIME, "overtime-open", fmt)
    return {**_limits(settings), "items": items}


def _limits(settings: Settings) -> dict[str, Any]:
    """The default arrival limit and the districts whose limit differs (each item carries
    the `limit_minutes` that applied to it)."""
    return {"threshold_minutes": settings.overtime_minutes,
            "limits_by_district": settings.arrival_limit_by_district}


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
def entrapment_rate(_: TicketsCaughtUp, _lifts: LiftsCaughtUp, unit_id: UnitFilter,
                    queries: TicketQueriesDep, fmt: ExportFormat, start: From = None,
                    to: To = None) -> Any:
    """困人率: lifts in service per entrapment ticket, and tickets per 10,000 lifts
    (`after`: a ticket notification, `registry_after`: a registry one, to wait for)."""
    rate = queries.entrapment_rate(unit_id, start, to)
    if fmt:
        return respond([rate], columns.ENTRAPMENT_RATE, "entrapment-rate", fmt)
    return rate


UnitSort = Literal[stats_columns.SORTABLE + tuple(f"-{k}" for k in stats_columns.SORTABLE)]


@router.get("/stats/units")
def stats_units(_: TicketsCaughtUp, _lifts: LiftsCaughtUp, unit_id: UnitFilter,
                indicators: IndicatorsDep,
                fmt: ExportFormat, start: From = None, to: To = None,
                sort: Annotated[UnitSort, Query(description=(
                    "a figure's key; `-key` sorts descending; rows without it come last"))
                ] = "-tickets") -> Any:
    """Every maintenance unit side by side: lifts in service at the end of the window,
    entrapment tickets, 困人率 (台/次), tickets per 10,000 lifts, overtime count and share,
    median and p90 minutes to arrive. `labels` says what each figure means."""
    rows = sort_rows([r for r in indicators.by("unit", unit_id, start, to)
                      if r["key"] is not None], sort)
    if fmt:
        return respond(rows, stats_columns.UNITS, "stats-units", fmt)
    keys = [c.key for c in stats_columns.UNITS]
    return {"sort": sort, "labels": stats_columns.labels(stats_columns.UNITS),
            "items": [{k: r[k] for k in keys} for r in rows]}


@router.get("/stats/indicators")
def stats_indicators(_: TicketsCaughtUp, _lifts: LiftsCaughtUp, unit_id: UnitFilter,
                     indicators: IndicatorsDep,
                     fmt: ExportFormat, group_by: Group = "city", start: From = None,
                     to: To = None) -> Any:
    """The indicators city platforms publish per unit, station, district or the city (a unit
    token: its own unit): 三分钟响应率, 三十分钟到达率 (the lift's district limit), average
    minutes to arrive and on site, level-1/2/3 rescues, 困人率 as 台/次 and as %."""
    rows = indicators.by(group_by, unit_id, start, to)
    if fmt:
        return respond(rows, stats_columns.INDICATORS, f"stats-indicators-{group_by}", fmt)
    return {"group_by": group_by, "labels": stats_columns.labels(stats_columns.INDICATORS),
            "items": rows}


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
def missing_fault_reports(unit_id: UnitFilter, queries: TicketQueriesDep,
                          fmt: ExportFormat) -> Any:
    """Released tickets still waiting for their fault analysis report."""
    items = queries.missing_fault_reports(unit_id)
    if fmt:
        return respond(items, columns.RELEASED_MISSING, "fault-reports-missing", fmt)
    return {"items": items}


@router.get("/rescue-methods/missing")
def missing_rescue_methods(unit_id: UnitFilter, queries: TicketQueriesDep,
                           fmt: ExportFormat) -> Any:
    """Released tickets whose release recorded no rescue method (救援方法), a data gap."""
    items = queries.missing_rescue_methods(unit_id)
    if fmt:
        return respond(items, columns.RELEASED_MISSING, "rescue-methods-missing", fmt)
    return {"items": items}
