"""Console read pages: the overtime list, statistics with charts, data gaps."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adapters.http import stats_columns
from adapters.http.console.charts import Bar, bar_chart, hours
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsoleScope
from adapters.http.deps import IndicatorsDep, RegistryQueriesDep, SettingsDep, TicketQueriesDep
from adapters.http.windows import REVERSED_DATES, local_date
from adapters.postgres.arrival_proofs import proven_share
from adapters.postgres.indicators import sort_rows
from adapters.postgres.ticket_queries import GROUPS

router = APIRouter(prefix="/console", include_in_schema=False)
DEFAULT_DAYS = 30
REASON_LABELS = {"late": "到场超时 Arrived late", "never_arrived": "未到场 Never arrived",
                 "open": "超时未到场 Open, nobody on site"}
GROUP_LABELS = {"station": "救援站 Station", "unit": "维保单位 Unit", "district": "区 District",
                "site_type": "场所类型 Site type", "hour": "时段 Hour of day",
                "cause": "故障原因 Cause"}


class Window:
    """A [from, to) window of local dates from the query string; bad dates fall back to the
    last 30 days and say so."""

    def __init__(self, request: Request, timezone: str):
        zone = ZoneInfo(timezone)
        today = datetime.now(zone).date()
        self.error = None
        try:
            self.first = _date(request.query_params.get("from")) or today - timedelta(DEFAULT_DAYS)
            self.last = _date(request.query_params.get("to")) or today
        except ValueError as exc:  # bad format or out of range (to=9999-12-31 + 1 day overflows)
            self.error = f"{exc}; showing the last 30 days"
            self.first, self.last = today - timedelta(DEFAULT_DAYS), today
        if self.last < self.first:  # a window ending before it starts would show nothing
            self.error = f"{REVERSED_DATES}; showing the last 30 days"
            self.first, self.last = today - timedelta(DEFAULT_DAYS), today
        self.start = datetime.combine(self.first, time(), zone)
        self.end = datetime.combine(self.last + timedelta(days=1), time(), zone)

    def status(self, page: HTMLResponse) -> HTMLResponse:
        """A page answering a bad date says so (400), showing the default window meanwhile."""
        if self.error:
            page.status_code = 400
        return page


def _date(value: str | None) -> date | None:
    return local_date(value)


@router.get("/overtime")
def overtime(request: Request, scope: ConsoleScope, queries: TicketQueriesDep,
             settings: SettingsDep) -> HTMLResponse:
    window = Window(request, settings.timezone)
    page = render(request, "overtime.html", window=window, reasons=REASON_LABELS,
                  limit=settings.overtime_minutes,
                  limits_by_district=settings.arrival_limit_by_district,
                  rows=queries.overtime(scope, None, window.start, window.end),
                  overdue=queries.open_overdue(scope))
    return window.status(page)


INDICATOR_GROUPS = {"city": "合计 All", "unit": "维保单位 Unit", "station": "救援站 Station",
                    "district": "区 District"}


def _choice(request: Request, name: str, allowed: tuple[str, ...] | dict, default: str) -> str:
    value = request.query_params.get(name, default)
    return value if value in allowed else default


@router.get("/stats")
def stats(request: Request, scope: ConsoleScope, queries: TicketQueriesDep,
          settings: SettingsDep, indicators: IndicatorsDep) -> HTMLResponse:
    window = Window(request, settings.timezone)
    group = request.query_params.get("group_by", "station")
    group = group if group in GROUPS else "station"
    try:
        min_tickets = max(1, int(request.query_params.get("min_tickets", "2")))
    except ValueError:
        min_tickets = 2
    counts = queries.counts(group, scope, window.start, window.end)
    day_curve = queries.counts("hour", scope, window.start, window.end)
    per_lift = queries.per_lift(scope, window.start, window.end, min_tickets)
    sortable = stats_columns.SORTABLE + tuple(f"-{k}" for k in stats_columns.SORTABLE)
    units_sort = _choice(request, "units_sort", sortable, "-tickets")
    units = sort_rows([r for r in indicators.by("unit", scope, window.start, window.end)
                       if r["key"] is not None], units_sort)
    by = _choice(request, "indicators_by", INDICATOR_GROUPS, "city")
    return window.status(render(
        request, "stats.html", window=window, group=group, groups=GROUP_LABELS,
        units=units, units_sort=units_sort, unit_columns=stats_columns.UNITS,
        indicators=indicators.by(by, scope, window.start, window.end), indicators_by=by,
        indicator_groups=INDICATOR_GROUPS, indicator_columns=stats_columns.INDICATORS,
        district_limits=settings.arrival_limit_by_district, limit=settings.overtime_minutes,
        min_tickets=min_tickets, counts=counts, per_lift=per_lift,
        proof=proven_share(queries.pool, scope, window.start, window.end),  # issue 17
        rate=queries.entrapment_rate(scope, window.start, window.end),
        counts_chart=bar_chart(labelled(counts),
                               f"工单数 · {GROUP_LABELS[group]}", " 件"),
        hours_chart=bar_chart(hours(day_curve), "接警时段分布 Tickets by hour (Asia/Shanghai)"),
        per_lift_chart=bar_chart([(r["registration_code"], r["tickets"]) for r in per_lift[:20]],
                                 "单台电梯困人数 Tickets per lift", " 次")))


def labelled(counts: list[dict]) -> list[Bar]:
    """Chart bars keyed by id (station, unit: data-id) with the name shown, and a short id
    beside the name when two rows share it, so two units' same-named stations stay apart."""
    names = [r.get("name") or str(r["key"]) for r in counts]
    return [Bar(f"{n} · {str(r['key'])[:8]}" if names.count(n) > 1 and r["key"] else n,
                r["tickets"], str(r["key"]) if "name" in r and r["key"] else None)
            for n, r in zip(names, counts, strict=True)]


@router.get("/data-gaps")
def data_gaps(request: Request, scope: ConsoleScope, registry: RegistryQueriesDep,
              queries: TicketQueriesDep) -> HTMLResponse:
    return render(request, "data_gaps.html", gaps=registry.data_gaps(scope),
                  missing_reports=queries.missing_fault_reports(scope),
                  missing_methods=queries.missing_rescue_methods(scope))
