"""Console safety-manager register (issue 15): enter a manager once (the mobile sealed),
fix one without a mobile, assign to every lift of a using unit (by code or name)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from adapters.http.auth import EDITORS, unit_scope
from adapters.http.console.lift_forms import field_errors
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsolePrincipal
from adapters.http.deps import (
    RegistryDep, RegistryQueriesDep, RegistryWait, context_of, own, owned_manager,
)
from adapters.http.registry_schemas import ManagerAssign, ManagerCreate, ManagerFacts
from dispatch.errors import NotFound
from dispatch.personal_data import full_number
from domain.errors import DomainError

router = APIRouter(prefix="/console/registry", include_in_schema=False)
REFUSED = (DomainError, ValidationError, NotFound, ValueError)
# What a saved change says on the register it redirects to (PRG: a reload posts nothing again).
DONE = {"entered": "已登记 (entered)", "saved": "已保存 (saved)",
        "assigned": "已指定 (assigned): {count} 台 (lifts)"}


def managers_page(request: Request, principal: Any, queries: Any,
                  errors: dict[str, str] | None = None, notice: str | None = None,
                  form: dict[str, str] | None = None, row: str | None = None) -> HTMLResponse:
    """The register; `row`: the manager whose row's form was posted (its reasons and values
    are shown in that row, not in the form that enters a new manager)."""
    scope = unit_scope(principal)
    return render(request, "safety_managers.html", managers=queries.safety_managers(scope),
                  units=queries.units(scope), errors=errors or {},
                  error=(errors or {}).get("_"), notice=notice, form=form or {}, row=row,
                  can_edit=principal.role in EDITORS)


@router.get("/safety-managers")
def managers(request: Request, principal: ConsolePrincipal, queries: RegistryQueriesDep,
             done: str | None = None, count: int = 0) -> HTMLResponse:
    notice = DONE[done].format(count=count) if done in DONE else None
    return managers_page(request, principal, queries, notice=notice)


async def _change(request: Request, principal: Any, queries: Any, wait: Any,
                  change: Any, done: str, row: str | None = None) -> Response:
    """Run one register change: saved → back to the register, saying so (303); refused →
    the register again with why."""
    form = {k: str(v).strip() for k, v in (await request.form()).items()}

    def run() -> HTMLResponse:
        if principal.role not in EDITORS:
            return managers_page(request, principal, queries,
                                 {"_": "无权修改登记信息 (read-only role)"}, form=form, row=row)
        try:
            count, nid = change(form)
        except REFUSED as exc:
            return managers_page(request, principal, queries, field_errors(exc), form=form,
                                 row=row)
        if nid:
            wait(nid)
        anchor = f"#manager-{row}" if row else ""
        return RedirectResponse(f"/console/registry/safety-managers?done={done}&count={count}"
                                f"{anchor}", status_code=303)

    return await run_in_threadpool(run)


@router.post("/safety-managers")
async def enter(request: Request, principal: ConsolePrincipal, registry: RegistryDep,
                queries: RegistryQueriesDep, wait: RegistryWait) -> HTMLResponse:
    def change(form: dict[str, str]) -> tuple[int, int | None]:
        unit_id = unit_scope(principal) or form.get("unit_id", "")
        body = ManagerCreate(unit_id=unit_id, name=form.get("name", ""),
                             mobile=form.get("mobile") or None)
        own(principal, body.unit_id)
        return 1, registry.enter_manager(unit_id, body.model_dump(exclude={"unit_id"}),
                                         context_of(principal))[1]

    return await _change(request, principal, queries, wait, change, "entered")


@router.post("/safety-managers/{manager_id}")
async def revise(request: Request, manager_id: str, principal: ConsolePrincipal,
                 registry: RegistryDep, queries: RegistryQueriesDep,
                 wait: RegistryWait) -> HTMLResponse:
    def change(form: dict[str, str]) -> tuple[int, int | None]:
        manager = owned_manager(registry, principal, manager_id)
        # The row's mobile box starts empty (the register shows the mask): empty keeps it.
        kept = full_number(registry.contacts.store, manager.contact, "mobile")[0]
        body = ManagerFacts(name=form.get("name", ""), mobile=form.get("mobile") or kept)
        return 1, registry.revise_manager(manager_id, body.model_dump(),
                                          queries.lift_codes_of_manager(manager_id),
                                          context_of(principal))[1]

    return await _change(request, principal, queries, wait, change, "saved", manager_id)


@router.post("/safety-managers/{manager_id}/assign")
async def assign(request: Request, manager_id: str, principal: ConsolePrincipal,
                 registry: RegistryDep, queries: RegistryQueriesDep,
                 wait: RegistryWait) -> HTMLResponse:
    """Every lift of one using unit: the box takes its code or its full name."""
    def change(form: dict[str, str]) -> tuple[int, int | None]:
        manager = owned_manager(registry, principal, manager_id)
        given = form.get("using_unit", "")
        if not given:
            raise DomainError("give the using unit's code or name", field="using_unit",
                              zh="请填写使用单位代码或名称")
        by_code = queries.lifts({"unit_id": manager.unit_id, "using_unit_code": given}, 1, None)
        body = ManagerAssign(using_unit_code=given) if by_code else \
            ManagerAssign(using_unit_name=given)
        try:
            code = body.using_unit_code_in(queries, manager.unit_id)
        except DomainError as exc:
            exc.field = "using_unit"
            raise
        return registry.assign_manager(manager_id, None, code, context_of(principal))

    return await _change(request, principal, queries, wait, change, "assigned", manager_id)
