"""Monthly analysis reports (月度分析报告): made on demand as HTML or PDF, and the stored ones
the dispatcher's schedule made (GET only; unit tokens confined to their unit)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from adapters.http.deps import ServicesDep, UnitFilter
from adapters.http.query_params import only_declared_query
from adapters.postgres.monthly_reports import MonthlyReportStore
from adapters.reports.generate import ReportMaker, ReportRequest
from adapters.reports.monthly import month_problem
from dispatch.errors import NotFound

router = APIRouter(prefix="/v1/reports", tags=["reports"],
                   dependencies=[Depends(only_declared_query)])
Month = Annotated[str, Query(description="YYYY-MM, a month that has begun (city time)")]
Edition = Annotated[Literal["full", "public"], Query(
    description="public leaves out every personal datum and unit-internal detail")]


def checked_month(month: Month, services: ServicesDep) -> str:
    if problem := month_problem(month, services.settings.timezone):
        raise RequestValidationError([{"type": "value_error", "loc": ("query", "month"),
                                       "input": month, "msg": problem}])
    return month


def known_unit(unit_id: UnitFilter, services: ServicesDep) -> tuple[str | None, str | None]:
    """The unit asked for (a unit token's own), 404 when the registry does not know it (read
    from its log, not a view that may lag behind a unit just registered)."""
    unit_id = unit_id or None  # the console form's "city-wide" sends unit_id=
    return (unit_id, services.registry.unit(unit_id).name if unit_id else None)


CheckedMonth = Annotated[str, Depends(checked_month)]
KnownUnit = Annotated[tuple[str | None, str | None], Depends(known_unit)]  # (id, name)


def pdf_response(pdf: bytes, month: str, unit_id: str | None, edition: str) -> Response:
    name = f"monthly-report-{month}-{unit_id or 'city'}-{edition}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/monthly", response_class=Response, responses={200: {"content": {
    "application/pdf": {}, "text/html": {}}}})
async def monthly(request: Request, month: CheckedMonth, unit: KnownUnit,
                  services: ServicesDep, edition: Edition = "full",
                  fmt: Annotated[Literal["html", "pdf"], Query(alias="format")] = "html"
                  ) -> Response:
    """The month's analysis report: tickets, 困人率 (both ways), overtime, minutes to arrive,
    causes, repeated entrapments, units ranked, month-on-month change, with charts."""
    maker = ReportMaker(services.pool, services.settings)
    unit_id, unit_name = unit
    ask = ReportRequest(month, unit_id, public=edition == "public", unit_name=unit_name)
    if fmt == "pdf":
        return pdf_response(await run_in_threadpool(maker.pdf, ask), month, unit_id, edition)
    nonce = getattr(request.state, "csp_nonce", "")
    return HTMLResponse(await run_in_threadpool(maker.html, ask, nonce))


@router.get("/monthly/stored")
def stored(unit_id: UnitFilter, services: ServicesDep) -> dict[str, Any]:
    """Reports the schedule (or `liftrescue report monthly --store`) kept, newest first."""
    rows = MonthlyReportStore(services.pool).listing(unit_id)
    return {"items": [{**vars(r), "href": stored_href(r.month, r.unit_id, r.edition)}
                      for r in rows]}


def stored_href(month: str, unit_id: str | None, edition: str) -> str:
    query = f"?unit_id={unit_id}" if unit_id else ""
    return f"/v1/reports/monthly/stored/{month}/{edition}.pdf{query}"


@router.get("/monthly/stored/{month}/{edition}.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def stored_pdf(month: str, edition: Literal["full", "public"], unit_id: UnitFilter,
               services: ServicesDep) -> Response:
    """One stored report's PDF; 404 if none was kept."""
    pdf = MonthlyReportStore(services.pool).pdf(month, unit_id, edition)
    if pdf is None:
        raise NotFound(f"月报 {month} {edition} (no stored report)")
    return pdf_response(pdf, month, unit_id, edition)
