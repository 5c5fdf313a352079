"""Rescue stations: registration, changes, on-call workers, and which lifts they serve."""

from typing import Any

from fastapi import APIRouter, Response, status

from adapters.http import export_columns as columns
from adapters.http.auth import EDITOR_ONLY, PrincipalDep
from adapters.http.deps import (
    ContextDep, ETagDep, OwnedStation, RegistryCaughtUp, RegistryDep, RegistryQueriesDep,
    UnitFilter, own,
)
from adapters.http.exports import ExportFormat, respond
from adapters.http.registry_phones import PhonesDep
from adapters.http.registry_public import (
    Bound, Created, StationChanged, StationPublic, Unbound, WorkerAdded,
)
from adapters.http.registry_schemas import (
    LiftSelection, StationCreate, StationPatch, WorkerCreate,
)

router = APIRouter(prefix="/v1", tags=["registry"])


@router.post("/stations", status_code=status.HTTP_201_CREATED, dependencies=EDITOR_ONLY)
def register_station(body: StationCreate, registry: RegistryDep, ctx: ContextDep,
                     principal: PrincipalDep, etag: ETagDep) -> Created:
    """Register a rescue station of a unit, with its lead and coverage."""
    own(principal, body.unit_id)
    station, nid = registry.register_station(body.model_dump(), ctx)
    return Created.of(etag(station), notification_id=nid)


@router.get("/stations")
def list_stations(unit_id: UnitFilter, _: RegistryCaughtUp, queries: RegistryQueriesDep,
                  fmt: ExportFormat, district: str | None = None) -> Any:
    """Rescue stations from the registry view (scoped for unit tokens), optionally those in or
    covering `district`; worker mobiles masked."""
    items = queries.stations(unit_id, district)
    if fmt:
        return respond(items, columns.STATIONS, "stations", fmt)
    return {"items": items}


@router.get("/stations/{station_id}")
def get_station(station: OwnedStation, etag: ETagDep, phone: PhonesDep) -> StationPublic:
    return StationPublic.of(etag(station), phone)


@router.patch("/stations/{station_id}", dependencies=EDITOR_ONLY)
def update_station(station: OwnedStation, body: StationPatch, registry: RegistryDep,
                   ctx: ContextDep, etag: ETagDep, phone: PhonesDep) -> StationChanged:
    changes = body.model_dump(exclude_unset=True)
    station, nid = registry.update_station(str(station.id), changes, ctx)
    return StationChanged.of(etag(station), phone, notification_id=nid)


@router.post("/stations/{station_id}/workers", status_code=status.HTTP_201_CREATED,
             dependencies=EDITOR_ONLY)
def add_worker(station: OwnedStation, body: WorkerCreate, registry: RegistryDep,
               ctx: ContextDep, etag: ETagDep) -> WorkerAdded:
    station, worker_id, nid = registry.add_worker(str(station.id), body.model_dump(), ctx)
    etag(station)
    return WorkerAdded(worker_id=worker_id, notification_id=nid)


@router.delete("/stations/{station_id}/workers/{worker_id}", status_code=204,
               response_class=Response, dependencies=EDITOR_ONLY,
               responses={409: {"description": "The last worker cannot be removed"}})
def remove_worker(station: OwnedStation, worker_id: str, registry: RegistryDep,
                  ctx: ContextDep, etag: ETagDep) -> None:
    station, _ = registry.remove_worker(str(station.id), worker_id, ctx)
    etag(station)


@router.post("/stations/{station_id}/bind", dependencies=EDITOR_ONLY)
def bind(station: OwnedStation, body: LiftSelection, registry: RegistryDep, ctx: ContextDep,
         etag: ETagDep) -> Bound:
    """Bind many lifts of the station's own unit to it, all or nothing (If-Match and ETag:
    the station's version, which binding does not change)."""
    etag(station)
    count, nid = registry.bind(str(station.id), body.registration_codes, ctx)
    return Bound(bound=count, notification_id=nid)


@router.post("/stations/{station_id}/unbind", dependencies=EDITOR_ONLY)
def unbind(station: OwnedStation, body: LiftSelection, registry: RegistryDep, ctx: ContextDep,
           etag: ETagDep) -> Unbound:
    """Unbind lifts from the station (If-Match and ETag: the station's version)."""
    etag(station)
    count, nid = registry.unbind(str(station.id), body.registration_codes, ctx)
    return Unbound(unbound=count, notification_id=nid)
