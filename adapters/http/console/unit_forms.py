"""The console's rescue-information form of a maintenance unit (issue 15): the unit itself and
admins edit its 统一社会信用代码, address, duty phone and emergency lead, current values shown."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.http.auth import EDITORS
from adapters.http.console.registry_forms import (
    READ_ONLY,
    checked,
    form_response,
    form_values,
    save,
    seen_version,
)
from adapters.http.console.session import ConsolePrincipal
from adapters.http.deps import RegistryDep, RegistryWait, ServicesDep, context_of, own
from adapters.http.registry_schemas import RescueInfo
from dispatch.errors import NotFound
from dispatch.personal_data import full_number

router = APIRouter(prefix="/console/registry", include_in_schema=False)
PAGE, FORM = "registry_form.html", "_unit_form.html"


def current_values(registry: Any, store: Any, unit_id: str) -> dict[str, str]:
    """The unit's rescue information as the form's inputs (the lead's full mobile)."""
    unit = registry.unit(unit_id)
    info, lead = unit.rescue_info, unit.rescue_info["emergency_lead"] or {}
    return {"unit_id": unit_id, "unit_name": unit.name, "version": unit.version,
            "code": info["code"] or "",
            "address": info["address"] or "", "duty_phone": info["duty_phone"] or "",
            "lead_name": lead.get("name", ""),
            "lead_mobile": (full_number(store, lead, "mobile")[0] if lead else "") or ""}


def rescue_info_body(values: dict[str, str]) -> RescueInfo:
    """The API's body from the form: blank inputs are left out (their value is kept)."""
    given: dict[str, Any] = {k: values[k] for k in ("code", "address", "duty_phone")
                             if values.get(k)}
    if values.get("lead_name") or values.get("lead_mobile"):
        given["emergency_lead"] = {"name": values.get("lead_name", ""),
                                   "mobile": values.get("lead_mobile", "")}
    return RescueInfo(**given)


def _shown(request: Request, registry: Any, store: Any, unit_id: str,
           submitted: dict[str, str] | None = None):
    def shown(errors: dict[str, str], notice: str | None, status: int) -> Response:
        if status in (403, 404):  # nothing of the unit for read-only roles or strangers
            return form_response(request, PAGE, FORM, status, errors=errors, values=None)
        current = current_values(registry, store, unit_id)
        values = {**current, **(submitted or {}), "version": current["version"]} \
            if errors else current
        return form_response(request, PAGE, FORM, status, errors=errors, notice=notice,
                             values=values, can_edit=True)
    return shown


@router.get("/units/{unit_id}/edit")
def edit_unit(request: Request, unit_id: str, principal: ConsolePrincipal,
              registry: RegistryDep, services: ServicesDep) -> Response:
    """The form, filled in with what is recorded (read-only roles: 403)."""
    shown = _shown(request, registry, services.personal_data, unit_id)
    try:
        own(principal, unit_id)
        if principal.role not in EDITORS:
            return shown({"": READ_ONLY}, None, 403)
        return shown({}, None, 200)
    except NotFound as exc:
        return shown({"": f"未找到 (not found): {exc}"}, None, 404)


@router.post("/units/{unit_id}/rescue-info")
async def rescue_info(request: Request, unit_id: str, principal: ConsolePrincipal,
                      registry: RegistryDep, services: ServicesDep,
                      wait: RegistryWait) -> Response:
    values, _ = await form_values(request)
    store = services.personal_data

    def change() -> int | None:
        own(principal, unit_id)
        body = checked([("", lambda: rescue_info_body(values))])[0]
        given = body.model_dump(exclude_unset=True)
        return registry.set_rescue_info(unit_id, given.pop("emergency_lead", None),
                                        context_of(principal, seen_version(values)), given)[1]

    return await save(request, principal, wait, "/console/registry/units", change,
                      _shown(request, registry, store, unit_id, values))
