"""The provincial view's API (`GET /v1/province/stats`) and console page (`/console/province`)."""

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from adapters.http.auth import require
from adapters.http.console.rendering import NAV
from adapters.http.console.session import ConsolePrincipal
from adapters.http.deps import ServicesDep
from adapters.http.query_params import only_declared_query
from adapters.postgres.tokens import Principal
from adapters.province.queries import ProvinceQueries

router = APIRouter(tags=["province"], dependencies=[Depends(only_declared_query)])
SUPERVISORS = ("admin", "operator", "auditor")  # a maintenance unit never sees other cities
TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_DAYS = 30
First = Annotated[date | None, Query(alias="from", description="first business day, YYYY-MM-DD "
                                     "(default: 30 days ago)")]
Last = Annotated[date | None, Query(alias="to", description="last business day, inclusive "
                                    "(default: today)")]


def province_queries(services: ServicesDep) -> ProvinceQueries:
    return ProvinceQueries(services.pool)


Queries = Annotated[ProvinceQueries, Depends(province_queries)]


def window(services: ServicesDep, first: First = None, last: Last = None) -> tuple[date, date]:
    """[from, to] in business days; to before from is a 422 naming `to`."""
    today = datetime.now(ZoneInfo(services.settings.timezone)).date()
    first, last = first or today - timedelta(DEFAULT_DAYS), last or today
    if last < first:
        raise RequestValidationError([{
            "type": "value_error", "loc": ("query", "to"), "input": last.isoformat(),
            "msg": "结束日期不能早于开始日期 (to must not be before from)"}])
    return first, last


Window = Annotated[tuple[date, date], Depends(window)]


@router.get("/v1/province/stats")
def province_stats(_: Annotated[Principal, Depends(require(*SUPERVISORS))], days: Window,
                   queries: Queries) -> dict[str, Any]:
    """Per city: tickets, 困人率 (both definitions), overtime share, median and p90 minutes to
    arrive, causes — from the cities' upstream records (`serve province`)."""
    return {"from": days[0].isoformat(), "to": days[1].isoformat(),
            "cities": queries.stats(*days)}


@router.get("/console/province", include_in_schema=False)
def province_page(request: Request, principal: ConsolePrincipal, days: Window,
                  queries: Queries) -> HTMLResponse:
    if principal.role not in SUPERVISORS:
        return HTMLResponse("无权查看 (not allowed)", status_code=403)
    return _templates(request).TemplateResponse(request, "province.html", {
        "principal": principal, "nav": NAV.get(principal.role, []), "first": days[0],
        "last": days[1], "cities": queries.stats(*days)})


def _templates(request: Request) -> Jinja2Templates:
    """The console's templates (base.html, filters) with this package's page in front."""
    state = request.app.state
    if not hasattr(state, "province_templates"):
        env = state.templates.env.overlay(loader=ChoiceLoader([
            FileSystemLoader(str(TEMPLATES)), state.templates.env.loader]))
        state.province_templates = Jinja2Templates(env=env)
    return state.province_templates
