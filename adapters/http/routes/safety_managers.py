"""The safety-manager register (issue 15): enter once, assign to many lifts, list."""

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from adapters.http import export_columns as columns
from adapters.http.auth import EDITOR_ONLY, PrincipalDep
from adapters.http.deps import (
    ContextDep,
    ETagDep,
    RegistryCaughtUp,
    RegistryDep,
    RegistryQueriesDep,
    UnitFilter,
    own,
    owned_manager,
)
from adapters.http.exports import ExportFormat, respond
from adapters.http.registry_phones import PhonesDep
from adapters.http.registry_public import Updated
from adapters.http.registry_schemas import ManagerAssign, ManagerCreate, ManagerFacts

router = APIRouter(prefix="/v1", tags=["registry"])


class ManagerPublic(BaseModel):
    id: str
    version: int
    unit_id: str
    name: str
    mobile: str | None
    notification_id: int | None = None

    @classmethod
    def of(cls, manager: Any, phone: Any, notification_id: int | None = None) -> "ManagerPublic":
        shown = phone(manager.contact)
        return cls(id=str(manager.id), version=manager.version, unit_id=manager.unit_id,
                   name=manager.name, mobile=shown.get("mobile"),
                   notification_id=notification_id)


class ManagerRow(BaseModel):
    manager_id: str
    unit_id: str
    name: str
    mobile: str | None  # masked; the record (GET by id) shows it whole to those allowed
    lifts: int


@router.post("/safety-managers", dependencies=EDITOR_ONLY, status_code=201)
def enter_manager(body: ManagerCreate, registry: RegistryDep, ctx: ContextDep,
                  principal: PrincipalDep, etag: ETagDep, phone: PhonesDep) -> ManagerPublic:
    """Enter a safety manager once (the mobile sealed in the personal-data store)."""
    own(principal, body.unit_id)
    manager, nid = registry.enter_manager(body.unit_id, body.model_dump(exclude={"unit_id"}), ctx)
    etag(manager)
    return ManagerPublic.of(manager, phone, nid)


@router.get("/safety-managers")
def list_managers(unit_id: UnitFilter, _: RegistryCaughtUp, queries: RegistryQueriesDep,
                  fmt: ExportFormat) -> Any:
    """The register (mobiles masked), or its export (format=csv|xlsx)."""
    rows = [ManagerRow(**r) for r in queries.safety_managers(unit_id)]
    if fmt:
        return respond([r.model_dump() for r in rows], columns.SAFETY_MANAGERS,
                       "safety-managers", fmt)
    return {"items": rows}


@router.get("/safety-managers/{manager_id}")
def get_manager(manager_id: str, registry: RegistryDep, principal: PrincipalDep,
                etag: ETagDep, phone: PhonesDep) -> ManagerPublic:
    manager = owned_manager(registry, principal, manager_id)
    etag(manager)
    return ManagerPublic.of(manager, phone)


@router.put("/safety-managers/{manager_id}", dependencies=EDITOR_ONLY)
def revise_manager(manager_id: str, body: ManagerFacts, registry: RegistryDep,
                   queries: RegistryQueriesDep, ctx: ContextDep, etag: ETagDep,
                   phone: PhonesDep) -> ManagerPublic:
    """New name or mobile (fills the gap); the manager's lifts follow in the same save."""
    manager, nid = registry.revise_manager(manager_id, body.model_dump(),
                                           queries.lift_codes_of_manager(manager_id), ctx)
    etag(manager)
    return ManagerPublic.of(manager, phone, nid)


@router.post("/safety-managers/{manager_id}/assign", dependencies=EDITOR_ONLY)
def assign_manager(manager_id: str, body: ManagerAssign, registry: RegistryDep,
                   queries: RegistryQueriesDep, ctx: ContextDep, principal: PrincipalDep,
                   response: Response) -> Updated:
    """Assign to ticked lifts or to every lift of one using unit (of the manager's unit)."""
    manager = owned_manager(registry, principal, manager_id)
    unit_code = None if body.registration_codes else \
        body.using_unit_code_in(queries, manager.unit_id)
    count, nid = registry.assign_manager(manager_id, body.registration_codes, unit_code, ctx)
    response.headers["ETag"] = f'"{registry.manager(manager_id).version}"'
    return Updated(updated=count, notification_id=nid)
