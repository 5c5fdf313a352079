"""Lifts: register or revise, batch updates, lists."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from adapters.http import export_columns as columns
from adapters.http.auth import EDITOR_ONLY, PrincipalDep
from adapters.http.deps import (
    ContextDep, ETagDep, OwnedLift, RegistryCaughtUp, RegistryDep, RegistryQueriesDep,
    SettingsDep, UnitFilter, own,
)
from adapters.http.exports import ExportFormat, every_row, respond
from adapters.http.registry_phones import PhonesDep
from adapters.http.registry_public import LiftChanged, LiftPage, LiftPublic, Updated
from adapters.http.registry_schemas import BatchUpdate, LiftPut, LiftSearch, ServiceChange
from adapters.http.service_dates import business_time
from dispatch.errors import NotFound

router = APIRouter(prefix="/v1", tags=["registry"])


@router.put("/lifts/{registration_code}", dependencies=EDITOR_ONLY, responses={
    201: {"description": "Registered", "model": LiftChanged},
    200: {"description": "Revised"},
    409: {"description": "The unit has no emergency lead yet"}})
def put_lift(registration_code: str, body: LiftPut, registry: RegistryDep, ctx: ContextDep,
             principal: PrincipalDep, response: Response, etag: ETagDep,
             phone: PhonesDep) -> LiftChanged:
    """Register a lift or revise its facts (a change of unit drops its station binding)."""
    own(principal, body.unit_id)
    try:
        existing = registry.lift(registration_code)
    except NotFound:
        existing = None
    if existing is not None:  # another unit's lift: as missing, not as taken
        own(principal, existing.unit_id, "lift", registration_code)
    lift, created, nid = registry.put_lift(registration_code, body.model_dump(), ctx)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    etag(lift)
    return LiftChanged.of(lift, phone, notification_id=nid)


@router.get("/lifts/{registration_code}")
def get_lift(lift: OwnedLift, etag: ETagDep, phone: PhonesDep) -> LiftPublic:
    etag(lift)
    return LiftPublic.of(lift, phone)


def lift_page(queries: RegistryQueriesDep, filters: dict[str, Any], limit: int,
              after: str | None) -> tuple[list[dict], str | None]:
    """One page of lifts by registration code and the cursor of the next (None: the last)."""
    items = queries.lifts(filters, limit, after)
    return items, items[-1]["registration_code"] if len(items) == limit else None


@router.get("/lifts", response_model=LiftPage)
def list_lifts(unit_id: UnitFilter, _: RegistryCaughtUp, queries: RegistryQueriesDep,
               fmt: ExportFormat, filters: Annotated[LiftSearch, Query()],
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               cursor: Annotated[str | None, Query(pattern=r"^[0-9]{20}$")] = None) -> Any:
    """Lifts from the registry view, ordered by registration code; page with `cursor`.
    Search by `q` (registration code digits, rescue code, using unit, address),
    registration code prefix, rescue code, using unit (code or name), station, district,
    bound, in service."""
    filters = {**filters.model_dump(), "unit_id": unit_id}
    if fmt:
        rows = every_row(lambda after: lift_page(queries, filters, 1000, after))
        return respond(rows, columns.LIFTS, "lifts", fmt)
    items, next_cursor = lift_page(queries, filters, limit, cursor)
    return LiftPage(items=items, next_cursor=next_cursor)


@router.post("/lifts/batch-update", dependencies=EDITOR_ONLY)
def batch_update(body: BatchUpdate, registry: RegistryDep, ctx: ContextDep,
                 principal: PrincipalDep, etag: ETagDep) -> Updated:
    """Set site type and/or safety manager for lifts of one using unit (refused if mixed;
    If-Match and ETag: the maintenance unit's version)."""
    own(principal, body.unit_id)
    changes = body.model_dump(include={"site_type", "safety_manager"}, exclude_unset=True)
    count, nid = registry.batch_update(body.unit_id, body.using_unit_code,
                                       body.registration_codes, changes, ctx)
    etag(registry.unit(body.unit_id))
    return Updated(updated=count, notification_id=nid)


@router.post("/lifts/{registration_code}/out-of-service", dependencies=EDITOR_ONLY)
@router.post("/lifts/{registration_code}/back-in-service", dependencies=EDITOR_ONLY)
def change_service(registration_code: str, body: ServiceChange, lift: OwnedLift,
                   registry: RegistryDep, ctx: ContextDep, etag: ETagDep, phone: PhonesDep,
                   settings: SettingsDep, request: Request) -> LiftChanged:
    """停用 (out of service) or 恢复使用 (back in service) from `since` (not in the future);
    the entrapment rate counts lifts in service from this history."""
    back = request.url.path.endswith("/back-in-service")
    changed, nid = registry.set_in_service(
        lift.registration_code, back, business_time(body.since, settings.timezone), ctx)
    etag(changed)
    return LiftChanged.of(changed, phone, notification_id=nid)
