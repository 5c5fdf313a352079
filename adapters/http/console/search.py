"""Console: the 查询 Search page, the header's search box and the 困人动态 page."""

import re
from datetime import datetime, time, timedelta
from typing import get_args
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse

from adapters.http.console.rendering import render
from adapters.http.console.session import ConsoleScope
from adapters.http.deps import RegistryQueriesDep, SettingsDep, TicketQueriesDep
from adapters.http.ticket_lists import ORDERS, Status, dynamic_item, ticket_page
from adapters.http.windows import REVERSED_DATES, local_date
from adapters.postgres.ticket_search import TicketFilter
from adapters.reference import districts

router = APIRouter(prefix="/console", include_in_schema=False)
LIFT_CODE = re.compile(r"^(\d{20}|\d{6})$")  # registration code or rescue code
TEXT_FILTERS = ("q", "lift", "using_unit", "station_id", "district")
PAGE = 50


def _day(value: str | None, zone: ZoneInfo, days_after: int) -> datetime | None:
    day = local_date(value)
    return datetime.combine(day + timedelta(days_after), time(), zone) if day else None


@router.get("/search")
def search(request: Request, scope: ConsoleScope, queries: TicketQueriesDep,
           settings: SettingsDep, registry: RegistryQueriesDep) -> HTMLResponse:
    """Every ticket (closed ones too) by number, code, using unit, address, station, district,
    status and alarm date, newest first unless sorted the other way; 50 a page."""
    args = request.query_params
    text = {name: (args.get(name) or "").strip()[:200] for name in TEXT_FILTERS}
    status = args.get("status") if args.get("status") in get_args(Status) else None
    sort = args.get("sort") if args.get("sort") in ORDERS.values() else ORDERS[True]
    zone, error = ZoneInfo(settings.timezone), None
    try:
        start, end = _day(args.get("from"), zone, 0), _day(args.get("to"), zone, 1)
    except ValueError as exc:
        start, end, error = None, None, f"{exc}; the dates are ignored"
    if start and end and end <= start:  # a window ending before it starts matches nothing
        start, end, error = None, None, REVERSED_DATES
    where = TicketFilter(unit_id=scope, status=status, start=start, end=end,
                         **{k: v or None for k, v in text.items()})
    try:
        rows, after = ticket_page(queries, where, PAGE, args.get("cursor"), sort)
    except RequestValidationError:
        rows, after = ticket_page(queries, where, PAGE, None, sort)
        error = "翻页位置无效，已从第一页开始 (the page position was not valid: first page shown)"
    keep = {k: v for k, v in args.items() if k != "cursor" and v}
    export = {**text, "status": status, "sort": sort,  # the API's filters: every page
              "from": start and start.isoformat(), "to": end and end.isoformat()}
    page = render(request, "search.html", rows=rows, next_cursor=after, text=text, export=export,
                  status=status, statuses=get_args(Status), sort=sort, keep=keep,
                  stations=registry.stations(scope),  # chosen by name, not typed as an id
                  districts=districts(),  # matched exactly: chosen, not typed
                  first=args.get("from") or "", last=args.get("to") or "", error=error)
    if error:
        page.status_code = 400
    return page


@router.get("/find")
def find(request: Request, scope: ConsoleScope, queries: TicketQueriesDep) -> RedirectResponse:
    """The header's search box: a ticket number opens the ticket, a registration or rescue code
    lists that lift's tickets, anything else (an address, a name) is searched."""
    text = (request.query_params.get("q") or "").strip()[:200]
    found = queries.ticket_of_number(text) if text else None
    if found is not None and (scope is None or found["unit_id"] == scope):
        return RedirectResponse(f"/console/tickets/{found['ticket_id']}", status_code=303)
    target = "lift" if LIFT_CODE.match(text) else "q"
    return RedirectResponse(f"/console/search?{urlencode({target: text})}", status_code=303)


@router.get("/dynamics")
def dynamics(request: Request, scope: ConsoleScope, queries: TicketQueriesDep,
             registry: RegistryQueriesDep) -> HTMLResponse:
    """困人动态: the latest 15 tickets of a maintenance unit (or of a using unit) with every node
    time and the minutes to arrive; unit users see their own unit only."""
    args = request.query_params
    units = registry.units(scope)
    unit_id = scope or args.get("unit_id") or None
    using_unit = (args.get("using_unit") or "").strip()[:200] or None
    # Nothing chosen: the whole city's latest 15, as `GET /v1/dynamics` answers.
    rows = [dynamic_item(r) for r in queries.tickets(
        TicketFilter(unit_id=unit_id, using_unit=using_unit), 15)]
    return render(request, "dynamics.html", units=units, unit_id=unit_id,
                  using_unit=using_unit or "", rows=rows, confined=scope is not None)
