"""Maintenance units: registration, rescue info, and what they must still fill in."""

from typing import Any

from fastapi import APIRouter, status

from adapters.http import export_columns as columns
from adapters.http.auth import ADMIN_ONLY, EDITOR_ONLY
from adapters.http.deps import (
    ContextDep, ETagDep, OwnedUnit, OwnedUnitId, RegistryCaughtUp, RegistryDep,
    RegistryQueriesDep, UnitFilter,
)
from adapters.http.exports import ExportFormat, respond
from adapters.http.registry_phones import PhonesDep
from adapters.http.registry_public import Created, DataGaps, UnitChanged, UnitPublic
from adapters.http.registry_schemas import RescueInfo, UnitCreate

router = APIRouter(prefix="/v1", tags=["registry"])


@router.post("/units", status_code=status.HTTP_201_CREATED, dependencies=ADMIN_ONLY)
def register_unit(body: UnitCreate, registry: RegistryDep, ctx: ContextDep,
                  etag: ETagDep) -> Created:
    """Register a maintenance unit (admin)."""
    lead = body.emergency_lead.model_dump() if body.emergency_lead else None
    unit, nid = registry.register_unit(body.name, lead, ctx)
    return Created.of(etag(unit), notification_id=nid)


@router.get("/units/{unit_id}")
def get_unit(unit: OwnedUnit, etag: ETagDep, phone: PhonesDep) -> UnitPublic:
    return UnitPublic.of(etag(unit), phone)


@router.put("/units/{unit_id}/rescue-info", dependencies=EDITOR_ONLY)
def set_rescue_info(unit_id: OwnedUnitId, body: RescueInfo, registry: RegistryDep,
                    ctx: ContextDep, etag: ETagDep, phone: PhonesDep) -> UnitChanged:
    """Name the unit's emergency lead (required before its lifts can be registered)."""
    unit, nid = registry.set_rescue_info(unit_id, body.emergency_lead.model_dump(), ctx)
    etag(unit)
    return UnitChanged.of(unit, phone, notification_id=nid)


def gap_rows(gaps: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The gap lists as one table: which gap, the lift code / station / unit, its name."""
    return [{"gap": gap, "item": item, "name": None} if isinstance(item, str) else
            {"gap": gap, "item": item.get("station_id") or item.get("unit_id"),
             "name": item.get("name")} for gap, items in gaps.items() for item in items]


@router.get("/data-gaps", response_model=DataGaps)
def data_gaps(unit_id: UnitFilter, _: RegistryCaughtUp, queries: RegistryQueriesDep,
              fmt: ExportFormat) -> Any:
    """What maintenance units must still fill in, from the registry view."""
    gaps = queries.data_gaps(unit_id)
    if fmt:
        return respond(gap_rows(gaps), columns.DATA_GAPS, "data-gaps", fmt)
    return DataGaps(**gaps)
