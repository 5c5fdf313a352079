"""Lifts: register or revise, bind to stations, batch updates, lists."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from adapters.http.auth import Reader, require, unit_scope
from adapters.http.deps import ContextDep, ServicesDep
from adapters.http.registry_schemas import BatchUpdate, LiftPut, LiftSelection
from adapters.http.routes.registry import _station, etag, own
from adapters.postgres.tokens import Principal
from adapters.projection_runtime.supervisor import by_name, wait_for
from dispatch.errors import NotFound

router = APIRouter(prefix="/v1", tags=["registry"])
Editor = Annotated[Principal, Depends(require("admin", "unit"))]


def await_registry(services, after: int | None, response: Response) -> None:  # noqa: ANN001
    """`?after=<notification_id>`: wait (≤ 2 s) until the registry view has caught up; the
    answer says whether it did (X-View-Caught-Up: false means the rows may be older)."""
    if after:
        caught_up = wait_for(services.pool, by_name("registry_view"), after)
        response.headers["X-View-Caught-Up"] = "true" if caught_up else "false"


def lift_public(lift) -> dict[str, Any]:  # noqa: ANN001
    return {"registration_code": lift.registration_code, "version": lift.version,
            "rescue_code": lift.rescue_code, "unit_id": lift.unit_id,
            "using_unit": lift.using_unit, "address": lift.address, "district": lift.district,
            "street": lift.street, "site_type": lift.site_type,
            "safety_manager": lift.safety_manager, "station_id": lift.station_id}


@router.put("/lifts/{registration_code}", responses={
    201: {"description": "Registered"}, 200: {"description": "Revised"},
    409: {"description": "The unit has no emergency lead yet"}})
def put_lift(registration_code: str, body: LiftPut, services: ServicesDep, ctx: ContextDep,
             principal: Editor, response: Response) -> dict[str, Any]:
    """Register a lift or revise its facts (a change of unit drops its station binding)."""
    own(principal, body.unit_id)
    try:
        existing = services.registry.lift(registration_code)
    except NotFound:
        existing = None
    if existing is not None:
        own(principal, existing.unit_id, "lift", registration_code)
    lift, created, nid = services.registry.put_lift(registration_code, body.model_dump(), ctx)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    etag(response, lift)
    return {**lift_public(lift), "notification_id": nid}


@router.get("/lifts/{registration_code}")
def get_lift(registration_code: str, services: ServicesDep, principal: Reader,
             response: Response) -> dict[str, Any]:
    lift = services.registry.lift(registration_code)
    own(principal, lift.unit_id, "lift", registration_code)
    etag(response, lift)
    return lift_public(lift)


@router.get("/lifts")
def list_lifts(services: ServicesDep, principal: Reader, response: Response,
               unit_id: str | None = None, using_unit_code: str | None = None,
               station_id: str | None = None, bound: bool | None = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               cursor: Annotated[str | None, Query(pattern=r"^[0-9]{20}$")] = None,
               after: Annotated[int | None, Query(ge=0)] = None) -> dict[str, Any]:
    """Lifts from the registry view, ordered by registration code; page with `cursor`."""
    scope = unit_scope(principal)
    if scope is not None:
        own(principal, unit_id or scope)
        unit_id = scope
    await_registry(services, after, response)
    items = services.registry_queries.lifts({"unit_id": unit_id, "station_id": station_id,
                                              "using_unit_code": using_unit_code,
                                              "bound": bound}, limit, cursor)
    next_cursor = items[-1]["registration_code"] if len(items) == limit else None
    return {"items": items, "next_cursor": next_cursor}


@router.post("/stations/{station_id}/bind")
def bind(station_id: str, body: LiftSelection, services: ServicesDep, ctx: ContextDep,
         principal: Editor, response: Response) -> dict[str, Any]:
    """Bind many lifts of the station's own unit to it, all or nothing (If-Match and ETag:
    the station's version, which binding does not change)."""
    etag(response, _station(services, principal, station_id))
    count, nid = services.registry.bind(station_id, body.registration_codes, ctx)
    return {"bound": count, "notification_id": nid}


@router.post("/stations/{station_id}/unbind")
def unbind(station_id: str, body: LiftSelection, services: ServicesDep, ctx: ContextDep,
           principal: Editor, response: Response) -> dict[str, Any]:
    """Unbind lifts from the station (If-Match and ETag: the station's version)."""
    etag(response, _station(services, principal, station_id))
    count, nid = services.registry.unbind(station_id, body.registration_codes, ctx)
    return {"unbound": count, "notification_id": nid}


@router.post("/lifts/batch-update")
def batch_update(body: BatchUpdate, services: ServicesDep, ctx: ContextDep,
                 principal: Editor, response: Response) -> dict[str, Any]:
    """Set site type and/or safety manager for lifts of one using unit (refused if mixed;
    If-Match and ETag: the maintenance unit's version)."""
    own(principal, body.unit_id)
    changes = body.model_dump(include={"site_type", "safety_manager"}, exclude_unset=True)
    count, nid = services.registry.batch_update(body.unit_id, body.using_unit_code,
                                                body.registration_codes, changes, ctx)
    etag(response, services.registry.unit(body.unit_id))
    return {"updated": count, "notification_id": nid}
