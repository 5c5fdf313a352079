"""Console read pages: the overtime list, statistics with charts, data gaps."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adapters.http.console.charts import bar_chart, hours
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsoleScope
from adapters.http.deps import RegistryQueriesDep, SettingsDep, TicketQueriesDep
from adapters.http.windows import local_date
from adapters.postgres.arrival_proofs import proven_share
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


@router.get("/stats")
def stats(request: Request, scope: ConsoleScope, queries: TicketQueriesDep,
          settings: SettingsDep) -> HTMLResponse:
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
    return window.status(render(
        request, "stats.html", window=window, group=group, groups=GROUP_LABELS,
        min_tickets=min_tickets, counts=counts, per_lift=per_lift,
        proof=proven_share(queries.pool, scope, window.start, window.end),  # issue 17
        rate=queries.entrapment_rate(scope, window.start, window.end),
        counts_chart=bar_chart(labelled(counts),
                               f"工单数 · {GROUP_LABELS[group]}", " 件"),
        hours_chart=bar_chart(hours(day_curve), "接警时段分布 Tickets by hour (Asia/Shanghai)"),
        per_lift_chart=bar_chart([(r["registration_code"], r["tickets"]) for r in per_lift[:20]],
                                 "单台电梯困人数 Tickets per lift", " 次")))


def labelled(counts: list[dict]) -> list[tuple[str, int]]:
    """Chart bars: the name where rows carry one (station, unit), with a short id when two
    rows share a name, so two units' same-named stations stay two bars."""
    names = [r.get("name") or str(r["key"]) for r in counts]
    return [(f"{n} · {str(r['key'])[:8]}" if names.count(n) > 1 and r["key"] else n,
             r["tickets"]) for n, r in zip(names, counts, strict=True)]


@router.get("/data-gaps")
def data_gaps(request: Request, scope: ConsoleScope, registry: RegistryQueriesDep,
              queries: TicketQueriesDep) -> HTMLResponse:
    return render(request, "data_gaps.html", gaps=registry.data_gaps(scope),
                  missing_reports=queries.missing_fault_reports(scope),
                  missing_methods=queries.missing_rescue_methods(scope))
