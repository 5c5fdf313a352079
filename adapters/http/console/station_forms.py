"""The console's rescue-station forms (issue 15): create a station with its workers, edit its
name, district, coverage (one district plus streets, or one to three districts) and lead, and
add workers; the unit itself and admins, every input checked before anything is saved."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.http.auth import EDITORS, unit_scope
from adapters.http.console.registry_forms import (
    READ_ONLY,
    checked,
    form_response,
    form_values,
    save,
    seen_version,
)
from adapters.http.console.session import ConsolePrincipal
from adapters.http.deps import (
    RegistryDep,
    RegistryQueriesDep,
    RegistryWait,
    ServicesDep,
    context_of,
    own,
    owned_station,
)
from adapters.http.registry_schemas import StationCreate, StationPatch, WorkerCreate
from adapters.reference import districts
from dispatch.errors import NotFound
from dispatch.personal_data import full_number

router = APIRouter(prefix="/console/registry", include_in_schema=False)
PAGE, FORM = "registry_form.html", "_station_form.html"
NEW_WORKER_ROWS = 3


def station_values(registry: Any, store: Any, station_id: str) -> dict[str, Any]:
    """A station as the form's inputs (the lead's full mobile)."""
    station = registry.station(station_id)
    lead = station.lead or {}
    return {"station_id": station_id, "unit_id": station.unit_id, "name": station.name,
            "version": station.version,
            "district": station.district, "districts": station.coverage["districts"],
            "streets": station.coverage.get("streets") or "", "lead_name": lead.get("name", ""),
            "lead_mobile": full_number(store, lead, "mobile")[0] or "",
            "workers": station.workers}


def station_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The API's station fields from the form."""
    return {"name": values.get("name", ""), "district": values.get("district", ""),
            "lead": {"name": values.get("lead_name", ""), "mobile": values.get("lead_mobile", "")},
            "coverage": {"districts": values.get("districts") or [],
                         "streets": values.get("streets") or None}}


def new_workers(lists: dict[str, list[str]]) -> list[tuple[str, Any]]:
    """Builders of the API's worker bodies, one per worker row with anything typed in it."""
    rows = zip(lists.get("worker_name", []), lists.get("worker_mobile", []),
               lists.get("worker_note", []), strict=False)
    return [(f"workers.{i}.", lambda n=n, m=m, note=note: WorkerCreate(
        name=n, mobile=m, note=note or None)) for i, (n, m, note) in enumerate(rows)
        if n or m or note]


def _posted(values: dict[str, str], lists: dict[str, list[str]]) -> dict[str, Any]:
    return {**values, "districts": lists.get("districts", []),
            "worker_rows": list(zip(lists.get("worker_name", []), lists.get("worker_mobile", []),
                                    lists.get("worker_note", []), strict=False))}


def _shown(request: Request, principal: Any, queries: Any, values: Any):
    def shown(errors: dict[str, str], notice: str | None, status: int) -> Response:
        shown_values = values() if callable(values) else values
        return form_response(
            request, PAGE, FORM, status, errors=errors, notice=notice,
            values=None if status in (403, 404) else shown_values, districts=districts(),
            units=queries.units(unit_scope(principal)), rows=NEW_WORKER_ROWS)
    return shown


@router.get("/stations/new")
def new_station(request: Request, principal: ConsolePrincipal, queries: RegistryQueriesDep,
                unit_id: str | None = None) -> Response:
    shown = _shown(request, principal, queries, {"unit_id": unit_scope(principal) or unit_id,
                                                 "districts": []})
    return shown({"": READ_ONLY}, None, 403) if principal.role not in EDITORS else \
        shown({}, None, 200)


@router.get("/stations/{station_id}/edit")
def edit_station(request: Request, station_id: str, principal: ConsolePrincipal,
                 registry: RegistryDep, queries: RegistryQueriesDep,
                 services: ServicesDep) -> Response:
    shown = _shown(request, principal, queries,
                   lambda: station_values(registry, services.personal_data, station_id))
    try:
        owned_station(registry, principal, station_id)
    except NotFound as exc:
        return shown({"": f"未找到 (not found): {exc}"}, None, 404)
    return shown({"": READ_ONLY}, None, 403) if principal.role not in EDITORS else \
        shown({}, None, 200)


@router.post("/stations")
async def create_station(request: Request, principal: ConsolePrincipal, registry: RegistryDep,
                         queries: RegistryQueriesDep, services: ServicesDep,
                         wait: RegistryWait) -> Response:
    values, lists = await form_values(request)
    posted = _posted(values, lists)
    made: dict[str, str] = {}

    def change() -> int | None:
        unit_id = unit_scope(principal) or values.get("unit_id", "")
        own(principal, unit_id)
        body, *workers = checked([("", lambda: StationCreate(
            unit_id=unit_id, **station_fields(posted))), *new_workers(lists)])
        station, nid = registry.register_station(
            body.model_dump(), context_of(principal), workers=[w.model_dump() for w in workers])
        made["id"] = str(station.id)
        return nid

    def values_now() -> dict[str, Any]:
        if made:  # saved: the new station's own form from now on
            return station_values(registry, services.personal_data, made["id"])
        return posted

    return await save(request, principal, wait, "/console/registry/stations", change,
                      _shown(request, principal, queries, values_now))


@router.post("/stations/{station_id}")
async def update_station(request: Request, station_id: str, principal: ConsolePrincipal,
                         registry: RegistryDep, queries: RegistryQueriesDep,
                         services: ServicesDep, wait: RegistryWait) -> Response:
    values, lists = await form_values(request)
    posted = _posted(values, lists)
    saved: list[bool] = []

    def change() -> int | None:
        owned_station(registry, principal, station_id)
        body, *workers = checked([("", lambda: StationPatch(**station_fields(posted))),
                                  *new_workers(lists)])
        nid = registry.update_station(station_id, body.model_dump(exclude_unset=True),
                                      context_of(principal, seen_version(values)),
                                      workers=[w.model_dump() for w in workers])[1]
        saved.append(True)
        return nid

    def values_now() -> dict[str, Any]:
        current = station_values(registry, services.personal_data, station_id)
        return current if saved else {**current, **posted, "version": current["version"]}

    return await save(request, principal, wait, f"/console/registry/stations#{station_id}",
                      change, _shown(request, principal, queries, values_now))
