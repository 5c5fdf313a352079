"""Console lift pages (issue 15): search, edit (address change only with the confirmation
tick), out of service and back, bulk site type and safety manager for one using unit.
Admins and the lift's own unit edit; operators and auditors read."""

import json
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from adapters.http.auth import EDITORS, unit_scope
from adapters.http.console.lift_forms import field_errors, lift_body, lift_values, service_body
from adapters.http.console.registry_forms import SAVED, STALE, is_htmx, seen_version
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsolePrincipal
from adapters.http.deps import (
    RegistryDep,
    RegistryQueriesDep,
    RegistryWait,
    ServicesDep,
    SettingsDep,
    context_of,
    owned_lift,
)
from adapters.http.registry_schemas import LiftSearch
from adapters.http.service_dates import business_time
from dispatch.errors import NotFound, VersionMismatch
from dispatch.personal_data import full_number
from domain.errors import DomainError

router = APIRouter(prefix="/console/registry", include_in_schema=False)
PAGE = 200
REFUSED = (DomainError, ValidationError, NotFound, ValueError)


def search_filters(params: dict[str, str]) -> dict[str, Any]:
    """The page's query → the API's search filters (empty inputs ignored)."""
    given = {k: v.strip() for k, v in params.items() if k in LiftSearch.model_fields and
             k not in ("bound", "in_service") and v.strip()}
    given["bound"] = {"yes": True, "no": False}.get(params.get("bound", ""))
    given["in_service"] = {"yes": True, "no": False}.get(params.get("in_service", ""))
    return LiftSearch.model_validate(given).model_dump()


def manager_phones(store: Any, principal: Any, lifts: list[dict]) -> dict[str, str]:
    """registration code → the safety manager's full mobile (tel: links); none for auditors."""
    if principal.role == "auditor":
        return {}
    phones = {}
    for row in lifts:  # a unit user's rows are their own unit's
        contact = {"mobile": row.get("safety_manager_mobile"),
                   "mobile_ref": row.get("safety_manager_mobile_ref")}
        number = full_number(store, contact, "mobile")[0]
        if number:
            phones[row["registration_code"]] = number
    return phones


def lifts_page(request: Request, principal: Any, queries: Any, store: Any, catalogue: Any,
               params: dict[str, str], errors: dict[str, str] | None = None,
               notice: str | None = None) -> HTMLResponse:
    scope = unit_scope(principal)
    try:
        filters = search_filters(params)
    except ValidationError as exc:  # a refused search lists nothing, not every lift
        filters, errors = None, {**(errors or {}), **field_errors(exc)}
    lifts = [] if filters is None else \
        queries.lifts({**filters, "unit_id": scope}, PAGE, params.get("after") or None)
    return render(request, "registry_lifts.html", lifts=lifts, params=params, page=PAGE,
                  stations=queries.stations(scope), managers=queries.safety_managers(scope),
                  phones=manager_phones(store, principal, lifts), errors=errors or {},
                  error=(errors or {}).get("_"), notice=notice,
                  site_types=catalogue.site_types, districts=catalogue.districts,
                  can_edit=principal.role in EDITORS)


@router.get("/lifts")
def lifts(request: Request, principal: ConsolePrincipal, queries: RegistryQueriesDep,
          services: ServicesDep, registry: RegistryDep) -> HTMLResponse:
    return lifts_page(request, principal, queries, services.personal_data, registry.catalogue,
                      dict(request.query_params))


async def _bulk(request: Request, principal: Any, registry: Any, queries: Any, services: Any,
                wait: Any, change: Any) -> HTMLResponse:
    """A change to ticked lifts: the list again with how many changed, or why not."""
    form = await request.form()
    codes = [str(c) for c in form.getlist("codes")]
    fields = {k: str(v).strip() for k, v in form.items() if k != "codes"}

    def run() -> HTMLResponse:
        page = lambda errors, notice: lifts_page(
            request, principal, queries, services.personal_data, registry.catalogue, {},
            errors, notice)
        if principal.role not in EDITORS:
            return page({"_": "无权修改登记信息 (read-only role)"}, None)
        if not codes:
            return page({"codes": "请勾选电梯 (tick at least one lift)"}, None)
        try:
            count, nid = change(codes, fields)
        except REFUSED as exc:
            return page(field_errors(exc), None)
        if nid:
            wait(nid)
        return page({}, f"已更新 updated: {count} 台 (lifts)")

    return await run_in_threadpool(run)


@router.post("/lifts/site-type")
async def bulk_site_type(request: Request, principal: ConsolePrincipal, registry: RegistryDep,
                         queries: RegistryQueriesDep, services: ServicesDep,
                         wait: RegistryWait) -> HTMLResponse:
    """场所类型 for ticked lifts of ONE using unit (a mixed selection is refused, saying why)."""
    def change(codes: list[str], fields: dict[str, str]) -> tuple[int, int | None]:
        lifts = [owned_lift(registry, principal, code) for code in codes]
        first = lifts[0]
        if not fields.get("site_type"):
            raise DomainError("choose a site type", zh="请选择场所类型", field="site_type")
        return registry.batch_update(first.unit_id, first.using_unit["code"], codes,
                                     {"site_type": fields["site_type"]}, context_of(principal))

    return await _bulk(request, principal, registry, queries, services, wait, change)


@router.post("/lifts/assign-manager")
async def assign_manager(request: Request, principal: ConsolePrincipal, registry: RegistryDep,
                         queries: RegistryQueriesDep, services: ServicesDep,
                         wait: RegistryWait) -> HTMLResponse:
    """The register's safety manager for every ticked lift."""
    def change(codes: list[str], fields: dict[str, str]) -> tuple[int, int | None]:
        if not fields.get("manager_id"):
            raise DomainError("choose a safety manager", zh="请选择安全管理员",
                              field="manager_id")
        return registry.assign_manager(fields["manager_id"], codes, None, context_of(principal))

    return await _bulk(request, principal, registry, queries, services, wait, change)


def edit_page(request: Request, principal: Any, registry: Any, queries: Any, timezone: str,
              code: str, values: dict[str, Any] | None = None,
              errors: dict[str, str] | None = None, notice: str | None = None) -> HTMLResponse:
    """The lift's forms (#lift-fix: also opened in place from the data-gaps page)."""
    lift = owned_lift(registry, principal, code)
    return render(request, "lift_edit.html", lift=lift, fragment="lift",
                  values=values or lift_values(lift, timezone), errors=errors or {},
                  error=(errors or {}).get("_"), notice=notice,
                  managers=queries.safety_managers(lift.unit_id),
                  site_types=registry.catalogue.site_types,
                  districts=registry.catalogue.districts, can_edit=principal.role in EDITORS)


@router.get("/lifts/{code}")
def lift_edit(request: Request, code: str, principal: ConsolePrincipal, registry: RegistryDep,
              queries: RegistryQueriesDep, settings: SettingsDep) -> HTMLResponse:
    try:
        saved = SAVED if request.query_params.get("saved") else None
        return edit_page(request, principal, registry, queries, settings.timezone, code,
                         notice=saved)
    except NotFound:
        return HTMLResponse("未找到电梯 (no such lift)", status_code=404)


async def _lift_form(request: Request, code: str, principal: Any, registry: Any, queries: Any,
                     settings: Any, wait: Any, change: Any) -> HTMLResponse:
    """One lift's form: saved → back to its page (PRG; htmx: the forms in place with
    `registry-saved`); refused → the forms, why per field."""
    form = {k: str(v).strip() for k, v in (await request.form()).items()}

    def run() -> HTMLResponse:
        page = partial(edit_page, request, principal, registry, queries, settings.timezone, code)
        try:
            lift = owned_lift(registry, principal, code)
        except NotFound:
            return HTMLResponse("未找到电梯 (no such lift)", status_code=404)
        values = {**lift_values(lift, settings.timezone), **form}
        if principal.role not in EDITORS:
            return page(values, {"_": "无权修改登记信息 (read-only role)"})
        try:
            nid = change(lift, form)
        except VersionMismatch:  # the page's version is now the current one
            return page(values, {"_": STALE})
        except REFUSED as exc:
            return page(values, field_errors(exc))
        if nid:
            wait(nid)
        if not is_htmx(request):
            return RedirectResponse(f"/console/registry/lifts/{code}?saved=1", status_code=303)
        response = page(notice=SAVED)
        response.headers["HX-Trigger"] = json.dumps({"registry-saved": {"after": nid}})
        return response

    return await run_in_threadpool(run)


@router.post("/lifts/{code}")
async def save_lift(request: Request, code: str, principal: ConsolePrincipal,
                    registry: RegistryDep, queries: RegistryQueriesDep, settings: SettingsDep,
                    wait: RegistryWait) -> HTMLResponse:
    def change(lift: Any, form: dict[str, str]) -> int | None:
        facts = lift_body(form, lift).model_dump(exclude={"safety_manager"})
        return registry.put_lift(code, facts, context_of(principal, seen_version(form)))[2]

    return await _lift_form(request, code, principal, registry, queries, settings, wait, change)


@router.post("/lifts/{code}/service")
async def change_service(request: Request, code: str, principal: ConsolePrincipal,
                         registry: RegistryDep, queries: RegistryQueriesDep,
                         wait: RegistryWait, settings: SettingsDep) -> HTMLResponse:
    """停用 (op=out) or 恢复使用 (op=back) from the form's date."""
    def change(lift: Any, form: dict[str, str]) -> int | None:
        since = business_time(service_body(form).since, settings.timezone)
        back = form.get("op") == "back"
        return registry.set_in_service(code, back, since, context_of(principal))[1]

    return await _lift_form(request, code, principal, registry, queries, settings, wait, change)


@router.post("/lifts/{code}/manager")
async def lift_manager(request: Request, code: str, principal: ConsolePrincipal,
                       registry: RegistryDep, queries: RegistryQueriesDep,
                       wait: RegistryWait, settings: SettingsDep) -> HTMLResponse:
    """The register's safety manager for this lift (fixes the 缺安全管理员 gap)."""
    def change(lift: Any, form: dict[str, str]) -> int | None:
        if not form.get("manager_id"):
            raise DomainError("choose a safety manager", zh="请选择安全管理员",
                              field="manager_id")
        return registry.assign_manager(form["manager_id"], [code], None,
                                       context_of(principal))[1]

    return await _lift_form(request, code, principal, registry, queries, settings, wait, change)
