"""Console page of monthly reports: the stored ones (download links; a unit user sees only
their own unit's), and a form making one on demand through GET /v1/reports/monthly."""

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adapters.http.console.rendering import render
from adapters.http.console.session import ConsoleScope
from adapters.http.deps import RegistryQueriesDep, ServicesDep
from adapters.postgres.monthly_reports import MonthlyReportStore
from adapters.reports.monthly import next_month

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/reports/monthly")
def monthly_reports(request: Request, scope: ConsoleScope, services: ServicesDep,
                    registry: RegistryQueriesDep) -> HTMLResponse:
    this_month = datetime.now(ZoneInfo(services.settings.timezone)).strftime("%Y-%m")
    rows = MonthlyReportStore(services.pool).listing(scope)
    return render(request, "monthly_reports.html", scope=scope,
                  reports=rows,
                  units=[] if scope else registry.units(None),
                  last_month=next_month(this_month, -1), this_month=this_month,
                  scheduled=services.settings.monthly_reports)
