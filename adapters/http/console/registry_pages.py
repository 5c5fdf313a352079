"""Console registry pages: units, stations and their workers, lifts with multi-select
bind/unbind (the guide's 绑定/解绑 flow). Admins and unit users edit (units only their own);
operators and auditors read."""

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from adapters.http.auth import EDITORS, unit_scope
from adapters.http.console.lift_pages import lifts_page
from adapters.http.console.registry_forms import READ_ONLY
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsolePrincipal
from adapters.http.console.station_phones import unit_phones, worker_phones
from adapters.http.deps import (
    RegistryDep, RegistryQueriesDep, RegistryWait, ServicesDep, context_of, owned_lift,
    owned_station,
)
from adapters.http.registry_schemas import WorkerCreate
from adapters.reference import districts
from dispatch.errors import NotFound
from domain.errors import DomainError
from domain.values import mask_mobile

router = APIRouter(prefix="/console/registry", include_in_schema=False)
PAGE = 200


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return getattr(exc, "message", None) or str(exc).splitlines()[0]


def _page(request: Request, principal, template: str, error: str | None,  # noqa: ANN001
          notice: str | None, **lists: object) -> HTMLResponse:
    """A registry page: its lists, the last change's outcome, and whether this role may edit."""
    return render(request, template, error=error, notice=notice,
                  can_edit=principal.role in EDITORS, **lists)


def _status(response: HTMLResponse, status: int) -> HTMLResponse:
    response.status_code = status
    return response


def _edit(principal, wait: Callable[[int], bool], back: str,  # noqa: ANN001
          change: Callable[[], int | None],
          page: Callable[[str | None, str | None], HTMLResponse]) -> HTMLResponse:
    """Run one registry change; on success redirect back (PRG), otherwise re-render with why
    (403 read-only role, 404 missing or another unit's, 200 refused by a rule)."""
    if principal.role not in EDITORS:
        return _status(page(READ_ONLY, None), 403)
    try:
        nid = change()
    except NotFound as exc:
        return _status(page(f"未找到 (not found): {exc}", None), 404)
    except (DomainError, ValidationError, ValueError) as exc:
        return page(_message(exc), None)
    if nid:  # show the change on the next page: let the registry view catch up (≤ 2 s)
        wait(nid)
    return RedirectResponse(back, status_code=303)


# ---- units, stations and workers ------------------------------------------------------
def listing_page(request: Request, queries, principal, listing: str,  # noqa: ANN001
                 error: str | None = None, notice: str | None = None,
                 phones: Callable[[list], dict[str, str]] | None = None) -> HTMLResponse:
    """The caller's units or stations (as `listing` names; stations of `?district=` only),
    with the last change's outcome."""
    scope, district = unit_scope(principal), request.query_params.get("district") or None
    rows = queries.units(scope) if listing == "units" else queries.stations(scope, district)
    if principal.role == "auditor":  # auditors read numbers masked, as in exports
        rows = [{**r, "duty_phone": mask_mobile(r.get("duty_phone"))} for r in rows]
    return _page(request, principal, f"registry_{listing}.html", error, notice,
                 phones=phones(rows) if phones else {}, **{listing: rows},
                 district=district, districts=districts())


@router.get("/units", name="units")
@router.get("/stations", name="stations")
def listing(request: Request, principal: ConsolePrincipal, queries: RegistryQueriesDep,
            registry: RegistryDep, services: ServicesDep) -> HTMLResponse:
    """The units page or the stations page: the matched route's name says which; phones in
    full (tel: links) for all but auditors."""
    name = request.scope["route"].name
    shown = unit_phones if name == "units" else worker_phones
    return listing_page(request, queries, principal, name, phones=lambda rows: shown(
        registry, services.personal_data, principal, rows))


async def _edit_listing(request: Request, principal, queries, wait: RegistryWait,  # noqa: ANN001
                        listing: str, change: Callable[[dict[str, str]], int | None],
                        ) -> HTMLResponse:
    """A form's change to a unit or station: back to its listing, or the listing with why."""
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    return await run_in_threadpool(
        _edit, principal, wait, f"/console/registry/{listing}", lambda: change(form),
        lambda e, n: listing_page(request, queries, principal, listing, e, n))


@router.post("/stations/{station_id}/workers")
async def add_worker(request: Request, station_id: str, principal: ConsolePrincipal,
                     registry: RegistryDep, queries: RegistryQueriesDep,
                     wait: RegistryWait) -> HTMLResponse:
    def change(form: dict[str, str]) -> int | None:
        owned_station(registry, principal, station_id)
        worker = WorkerCreate(name=form.get("name", ""), mobile=form.get("mobile", ""),
                              note=form.get("note") or None)
        return registry.add_worker(station_id, worker.model_dump(), context_of(principal))[2]

    return await _edit_listing(request, principal, queries, wait, "stations", change)


@router.post("/stations/{station_id}/workers/{worker_id}/remove")
async def remove_worker(request: Request, station_id: str, worker_id: str,
                        principal: ConsolePrincipal, registry: RegistryDep,
                        queries: RegistryQueriesDep, wait: RegistryWait) -> HTMLResponse:
    def change(_form: dict[str, str]) -> int | None:
        owned_station(registry, principal, station_id)
        return registry.remove_worker(station_id, worker_id, context_of(principal))[1]

    return await _edit_listing(request, principal, queries, wait, "stations", change)


# ---- bindings (the lifts page itself lives in lift_pages.py, issue 15) ----------------


@router.post("/lifts/binding")
async def binding(request: Request, principal: ConsolePrincipal, registry: RegistryDep,
                  queries: RegistryQueriesDep, wait: RegistryWait,
                  services: ServicesDep) -> HTMLResponse:
    """One form, two buttons: bind (绑定) or unbind (解绑) every checked lift to one station."""
    form = await request.form()
    codes = [str(c) for c in form.getlist("codes")]
    station_id, op = str(form.get("station_id", "")), str(form.get("op", ""))

    def page(error: str | None, notice: str | None) -> HTMLResponse:
        return lifts_page(request, principal, queries, services.personal_data,
                          registry.catalogue, {}, {"_": error} if error else {}, notice)

    return await run_in_threadpool(_binding, principal, registry, wait, codes, station_id, op,
                                   page)


def _binding(principal, registry, wait: Callable[[int], bool],  # noqa: ANN001
             codes: list[str], station_id: str, op: str,
             page: Callable[[str | None, str | None], HTMLResponse]) -> HTMLResponse:
    outcome: dict[str, int] = {}

    def change() -> int | None:
        if op not in ("bind", "unbind"):
            raise ValueError("op: choose bind or unbind")
        if not codes:
            raise ValueError("codes: 请勾选电梯 (tick at least one lift)")
        if not station_id:
            raise ValueError("station_id: 请选择救援站 (choose a station)")
        owned_station(registry, principal, station_id)
        for code in codes:
            owned_lift(registry, principal, code)
        outcome["count"], nid = getattr(registry, op)(station_id, codes, context_of(principal))
        return nid

    response = _edit(principal, wait, "", change, page)
    if isinstance(response, RedirectResponse):
        label = "已绑定 bound" if op == "bind" else "已解绑 unbound"
        return page(None, f"{label}: {outcome['count']} 台 (lifts)")
    return response
