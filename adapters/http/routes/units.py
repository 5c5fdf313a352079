"""Maintenance units: registration, rescue info, the list, and what they must still fill in."""

from typing import Any

from fastapi import APIRouter, status

from adapters.http import export_columns as columns
from adapters.http.auth import ADMIN_ONLY, EDITOR_ONLY
from adapters.http.deps import (
    ContextDep, ETagDep, OwnedUnit, OwnedUnitId, RegistryCaughtUp, RegistryDep,
    RegistryQueriesDep, UnitFilter,
)
from adapters.http.export_columns import Column
from adapters.http.exports import ExportFormat, respond
from adapters.http.registry_phones import PhonesDep
from adapters.http.registry_public import Created, DataGaps, UnitChanged, UnitPublic
from adapters.http.registry_schemas import RescueInfo, UnitCreate

router = APIRouter(prefix="/v1", tags=["registry"])
UNITS = (
    Column("unit_id", "单位编号", "Unit id"), Column("name", "维保单位", "Maintenance unit"),
    Column("code", "统一社会信用代码", "Unified social credit code"),
    Column("address", "地址", "Address"),
    Column("duty_phone", "值班电话", "Duty phone", mobile=True),
    Column("lead_name", "应急负责人", "Emergency lead"),
    Column("has_rescue_info", "救援信息已填", "Rescue info given"),
    Column("lifts", "电梯数", "Lifts"), Column("stations", "救援站数", "Stations"),
)


@router.post("/units", status_code=status.HTTP_201_CREATED, dependencies=ADMIN_ONLY)
def register_unit(body: UnitCreate, registry: RegistryDep, ctx: ContextDep,
                  etag: ETagDep) -> Created:
    """Register a maintenance unit (admin)."""
    lead = body.emergency_lead.model_dump() if body.emergency_lead else None
    unit, nid = registry.register_unit(body.name, lead, ctx)
    return Created.of(etag(unit), notification_id=nid)


@router.put("/units/{unit_id}/rescue-info", dependencies=EDITOR_ONLY)
def set_rescue_info(unit_id: OwnedUnitId, body: RescueInfo, registry: RegistryDep,
                    ctx: ContextDep, etag: ETagDep, phone: PhonesDep) -> UnitChanged:
    """The unit's rescue information: emergency lead (required before its lifts can be
    registered), 统一社会信用代码, address, duty phone; fields left out keep their value."""
    given = body.model_dump(exclude_unset=True)
    unit, nid = registry.set_rescue_info(unit_id, given.pop("emergency_lead", None), ctx, given)
    return UnitChanged.of(etag(unit), phone, notification_id=nid)


@router.get("/units/{unit_id}")
def get_unit(unit: OwnedUnit, etag: ETagDep, phone: PhonesDep) -> UnitPublic:
    return UnitPublic.of(etag(unit), phone)


@router.get("/units")
def list_units(unit_id: UnitFilter, _: RegistryCaughtUp, queries: RegistryQueriesDep,
               fmt: ExportFormat) -> Any:
    """Maintenance units from the registry view (a unit token sees only its own), with their
    code, address, duty phone, lead's name and counts of lifts and stations."""
    items = queries.units(unit_id)
    if fmt:
        return respond(items, UNITS, "units", fmt)
    return {"items": items}


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
