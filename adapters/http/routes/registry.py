"""Maintenance units, rescue stations and their workers."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from adapters.http.auth import Reader, require, unit_scope
from adapters.http.deps import ContextDep, ServicesDep
from adapters.http.registry_schemas import (
    Created, RescueInfo, StationCreate, StationPatch, UnitCreate, WorkerCreate,
)
from adapters.postgres.tokens import Principal
from dispatch.errors import NotFound

router = APIRouter(prefix="/v1", tags=["registry"])
Editor = Annotated[Principal, Depends(require("admin", "unit"))]
Admin = Annotated[Principal, Depends(require("admin"))]


def own(principal: Principal, unit_id: str, label: str = "maintenance unit",
        shown: str | None = None) -> None:
    """A unit token touching another unit's resource sees nothing there: the same 404 as for
    a `label` `shown` (default: the unit) that does not exist."""
    scope = unit_scope(principal)
    if scope is not None and scope != unit_id:
        raise NotFound(f"no {label} {shown or unit_id}")


def etag(response: Response, aggregate) -> None:  # noqa: ANN001
    """The version a client sends back as If-Match to change this record safely."""
    response.headers["ETag"] = f'"{aggregate.version}"'


def unit_public(unit) -> dict[str, Any]:  # noqa: ANN001
    return {"id": str(unit.id), "version": unit.version, "name": unit.name,
            "emergency_lead": unit.emergency_lead, "has_rescue_info": unit.has_rescue_info}


def station_public(station) -> dict[str, Any]:  # noqa: ANN001
    return {"id": str(station.id), "version": station.version, "unit_id": station.unit_id,
            "name": station.name, "district": station.district, "lead": station.lead,
            "coverage": station.coverage,
            "workers": [{"worker_id": k, **v} for k, v in station.workers.items()]}


@router.post("/units", status_code=status.HTTP_201_CREATED)
def register_unit(body: UnitCreate, services: ServicesDep, ctx: ContextDep,
                  _: Admin, response: Response) -> Created:
    """Register a maintenance unit (admin)."""
    lead = body.emergency_lead.model_dump() if body.emergency_lead else None
    unit, nid = services.registry.register_unit(body.name, lead, ctx)
    etag(response, unit)
    return Created(id=str(unit.id), version=unit.version, notification_id=nid)


@router.get("/units/{unit_id}")
def get_unit(unit_id: str, services: ServicesDep, principal: Reader,
             response: Response) -> dict[str, Any]:
    own(principal, unit_id)
    unit = services.registry.unit(unit_id)
    etag(response, unit)
    return unit_public(unit)


@router.put("/units/{unit_id}/rescue-info")
def set_rescue_info(unit_id: str, body: RescueInfo, services: ServicesDep, ctx: ContextDep,
                    principal: Editor, response: Response) -> dict[str, Any]:
    """Name the unit's emergency lead (required before its lifts can be registered)."""
    own(principal, unit_id)
    unit, nid = services.registry.set_rescue_info(unit_id, body.emergency_lead.model_dump(), ctx)
    etag(response, unit)
    return {**unit_public(unit), "notification_id": nid}


@router.post("/stations", status_code=status.HTTP_201_CREATED)
def register_station(body: StationCreate, services: ServicesDep, ctx: ContextDep,
                     principal: Editor, response: Response) -> Created:
    """Register a rescue station of a unit, with its lead and coverage."""
    own(principal, body.unit_id)
    station, nid = services.registry.register_station(body.model_dump(), ctx)
    etag(response, station)
    return Created(id=str(station.id), version=station.version, notification_id=nid)


def _station(services, principal: Principal, station_id: str):  # noqa: ANN001
    station = services.registry.station(station_id)
    own(principal, station.unit_id, "rescue station", station_id)
    return station


@router.get("/stations/{station_id}")
def get_station(station_id: str, services: ServicesDep, principal: Reader,
                response: Response) -> dict[str, Any]:
    station = _station(services, principal, station_id)
    etag(response, station)
    return station_public(station)


@router.patch("/stations/{station_id}")
def update_station(station_id: str, body: StationPatch, services: ServicesDep, ctx: ContextDep,
                   principal: Editor, response: Response) -> dict[str, Any]:
    _station(services, principal, station_id)
    changes = body.model_dump(exclude_unset=True)
    station, nid = services.registry.update_station(station_id, changes, ctx)
    etag(response, station)
    return {**station_public(station), "notification_id": nid}


@router.post("/stations/{station_id}/workers", status_code=status.HTTP_201_CREATED)
def add_worker(station_id: str, body: WorkerCreate, services: ServicesDep, ctx: ContextDep,
               principal: Editor, response: Response) -> dict[str, Any]:
    _station(services, principal, station_id)
    station, worker_id, nid = services.registry.add_worker(station_id, body.model_dump(), ctx)
    etag(response, station)
    return {"worker_id": worker_id, "notification_id": nid}


@router.delete("/stations/{station_id}/workers/{worker_id}", status_code=204,
               responses={409: {"description": "The last worker cannot be removed"}})
def remove_worker(station_id: str, worker_id: str, services: ServicesDep, ctx: ContextDep,
                  principal: Editor) -> Response:
    _station(services, principal, station_id)
    station, _ = services.registry.remove_worker(station_id, worker_id, ctx)
    return Response(status_code=204, headers={"ETag": f'"{station.version}"'})


@router.get("/data-gaps")
def data_gaps(services: ServicesDep, principal: Reader, response: Response,
              unit_id: Annotated[str | None, Query()] = None,
              after: Annotated[int | None, Query(ge=0)] = None) -> dict[str, Any]:
    """What maintenance units must still fill in, from the registry view."""
    from adapters.http.routes.lifts import await_registry

    scope = unit_scope(principal)
    if scope is not None:
        own(principal, unit_id or scope)
        unit_id = scope
    await_registry(services, after, response)
    return services.registry_queries.data_gaps(unit_id)
