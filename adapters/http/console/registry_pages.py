"""Console registry pages: units, stations and their workers, lifts with multi-select
bind/unbind (the guide's 绑定/解绑 flow). Admins and unit users edit (units only their own);
operators and auditors read."""

from collections.abc import Callable

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from adapters.http.auth import unit_scope
from adapters.http.console.pages import render
from adapters.http.console.session import ConsolePrincipal
from adapters.http.registry_schemas import RescueInfo, WorkerCreate
from adapters.http.routes.registry import _station, own
from adapters.projection_runtime.supervisor import by_name, wait_for
from dispatch.commands import Context
from dispatch.errors import NotFound
from domain.errors import DomainError

router = APIRouter(prefix="/console/registry", include_in_schema=False)
EDITORS = frozenset({"admin", "unit"})
PAGE = 200


def _ctx(principal) -> Context:  # noqa: ANN001
    cid = structlog.contextvars.get_contextvars().get("correlation_id", "")
    return Context(principal.subject, cid, None, unit_scope(principal))


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return getattr(exc, "message", None) or str(exc).splitlines()[0]


def _edit(request: Request, principal, back: str, change: Callable[[], int | None],  # noqa: ANN001
          page: Callable[[str | None, str | None], HTMLResponse]) -> HTMLResponse:
    """Run one registry change; on success redirect back (PRG), otherwise re-render with why."""
    if principal.role not in EDITORS:
        return page("无权修改登记信息 (read-only role)", None)
    try:
        nid = change()
    except NotFound as exc:
        return page(f"未找到 (not found): {exc}", None)
    except (DomainError, ValidationError, ValueError) as exc:
        return page(_message(exc), None)
    if nid:  # show the change on the next page: let the registry view catch up (≤ 2 s)
        services = request.app.state.services
        wait_for(services.pool, by_name("registry_view"), nid)
    return RedirectResponse(back, status_code=303)


# ---- units ---------------------------------------------------------------------------
def units_page(request: Request, principal, error: str | None = None,  # noqa: ANN001
               notice: str | None = None) -> HTMLResponse:
    services = request.app.state.services
    units = services.registry_queries.units(unit_scope(principal))
    return render(request, "registry_units.html", units=units, error=error, notice=notice,
                  can_edit=principal.role in EDITORS)


@router.get("/units")
def units(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    return units_page(request, principal)


@router.post("/units/{unit_id}/rescue-info")
async def rescue_info(request: Request, unit_id: str, principal: ConsolePrincipal) -> HTMLResponse:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}

    def change() -> int | None:
        own(principal, unit_id)
        body = RescueInfo(emergency_lead={"name": form.get("name", ""),
                                          "mobile": form.get("mobile", "")})
        return request.app.state.services.registry.set_rescue_info(
            unit_id, body.emergency_lead.model_dump(), _ctx(principal))[1]

    return await run_in_threadpool(_edit, request, principal, "/console/registry/units", change,
                                   lambda e, n: units_page(request, principal, e, n))


# ---- stations and workers ------------------------------------------------------------
def stations_page(request: Request, principal, error: str | None = None,  # noqa: ANN001
                  notice: str | None = None) -> HTMLResponse:
    services = request.app.state.services
    stations = services.registry_queries.stations(unit_scope(principal))
    return render(request, "registry_stations.html", stations=stations, error=error,
                  notice=notice, can_edit=principal.role in EDITORS)


@router.get("/stations")
def stations(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    return stations_page(request, principal)


@router.post("/stations/{station_id}/workers")
async def add_worker(request: Request, station_id: str,
                     principal: ConsolePrincipal) -> HTMLResponse:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}

    def change() -> int | None:
        _station(request.app.state.services, principal, station_id)
        worker = WorkerCreate(name=form.get("name", ""), mobile=form.get("mobile", ""),
                              note=form.get("note") or None)
        return request.app.state.services.registry.add_worker(
            station_id, worker.model_dump(), _ctx(principal))[2]

    return await run_in_threadpool(_edit, request, principal, "/console/registry/stations",
                                   change, lambda e, n: stations_page(request, principal, e, n))


@router.post("/stations/{station_id}/workers/{worker_id}/remove")
def remove_worker(request: Request, station_id: str, worker_id: str,
                  principal: ConsolePrincipal) -> HTMLResponse:
    def change() -> int | None:
        _station(request.app.state.services, principal, station_id)
        return request.app.state.services.registry.remove_worker(
            station_id, worker_id, _ctx(principal))[1]

    return _edit(request, principal, "/console/registry/stations", change,
                 lambda e, n: stations_page(request, principal, e, n))


# ---- lifts and bindings --------------------------------------------------------------
def lifts_page(request: Request, principal, error: str | None = None,  # noqa: ANN001
               notice: str | None = None, filters: dict[str, str] | None = None) -> HTMLResponse:
    services = request.app.state.services
    scope = unit_scope(principal)
    params = filters if filters is not None else dict(request.query_params)
    bound = {"yes": True, "no": False}.get(params.get("bound", ""))
    station = params.get("station_id") or None
    lifts = services.registry_queries.lifts({"unit_id": scope, "station_id": station,
                                              "bound": bound}, PAGE, params.get("after") or None)
    return render(request, "registry_lifts.html", lifts=lifts, error=error, notice=notice,
                  stations=services.registry_queries.stations(scope), params=params,
                  can_edit=principal.role in EDITORS, page=PAGE)


@router.get("/lifts")
def lifts(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    return lifts_page(request, principal)


@router.post("/lifts/binding")
async def binding(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    """One form, two buttons: bind (绑定) or unbind (解绑) every checked lift to one station."""
    form = await request.form()
    codes = [str(c) for c in form.getlist("codes")]
    station_id, op = str(form.get("station_id", "")), str(form.get("op", ""))
    return await run_in_threadpool(_binding, request, principal, codes, station_id, op)


def _binding(request: Request, principal, codes: list[str], station_id: str,  # noqa: ANN001
             op: str) -> HTMLResponse:
    registry = request.app.state.services.registry
    outcome: dict[str, int] = {}

    def page(error: str | None, notice: str | None) -> HTMLResponse:
        return lifts_page(request, principal, error, notice, filters={})

    def change() -> int | None:
        if op not in ("bind", "unbind"):
            raise ValueError("op: choose bind or unbind")
        if not codes:
            raise ValueError("codes: 请勾选电梯 (tick at least one lift)")
        if not station_id:
            raise ValueError("station_id: 请选择救援站 (choose a station)")
        _station(request.app.state.services, principal, station_id)
        for code in codes:
            own(principal, registry.lift(code).unit_id, "lift", code)
        outcome["count"], nid = getattr(registry, op)(station_id, codes, _ctx(principal))
        return nid

    response = _edit(request, principal, "", change, page)
    if isinstance(response, RedirectResponse):
        label = "已绑定 bound" if op == "bind" else "已解绑 unbound"
        return page(None, f"{label}: {outcome['count']} 台 (lifts)")
    return response
