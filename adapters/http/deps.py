"""Request-scoped dependencies: services, command context, the caller's unit scope, the
registry records a caller may touch, ETags and the `?after=` wait for a view.

Async where no I/O happens: FastAPI runs a sync dependency in the thread pool, one hop each.
Record lookups read the event store, so they are sync and take that hop."""

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import structlog
from fastapi import Depends, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from adapters.bootstrap import Services
from adapters.http.auth import Reader, authenticate, unit_scope
from adapters.postgres.indicators import Indicators
from adapters.postgres.registry_queries import RegistryQueries
from adapters.postgres.ticket_queries import TicketQueries
from adapters.postgres.tokens import Principal
from adapters.projection_runtime.supervisor import by_name, wait_for
from adapters.runtime.settings import Settings
from dispatch.commands import Context
from dispatch.errors import NotFound
from dispatch.registry import RegistryApp
from dispatch.tickets import TicketApp
from domain.registry.lift import Lift
from domain.registry.safety_manager import SafetyManager
from domain.registry.station import RescueStation
from domain.registry.unit import MaintenanceUnit


# ---- services ------------------------------------------------------------------------
async def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_tickets(services: ServicesDep) -> TicketApp:
    return services.tickets


async def get_registry(services: ServicesDep) -> RegistryApp:
    return services.registry


async def get_ticket_queries(services: ServicesDep) -> TicketQueries:
    return services.ticket_queries


async def get_registry_queries(services: ServicesDep) -> RegistryQueries:
    return services.registry_queries


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_indicators(services: ServicesDep) -> Indicators:
    """The published indicators, each ticket judged by its district's arrival limit."""
    return Indicators(services.pool, services.settings.arrival_limits())


TicketsDep = Annotated[TicketApp, Depends(get_tickets)]
RegistryDep = Annotated[RegistryApp, Depends(get_registry)]
TicketQueriesDep = Annotated[TicketQueries, Depends(get_ticket_queries)]
RegistryQueriesDep = Annotated[RegistryQueries, Depends(get_registry_queries)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IndicatorsDep = Annotated[Indicators, Depends(get_indicators)]


# ---- command context -----------------------------------------------------------------
def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise HTTPException(400, 'If-Match must be a version ETag such as "3"')
    return int(raw)


def context_of(principal: Principal, expected_version: int | None = None) -> Context:
    """A command's context: actor = the principal, unit tokens confined to their unit."""
    correlation_id = structlog.contextvars.get_contextvars().get("correlation_id", "")
    return Context(actor=principal.subject, correlation_id=correlation_id,
                   expected_version=expected_version, unit_id=unit_scope(principal))


async def get_context(principal: Annotated[Principal, Depends(authenticate)],
                      if_match: Annotated[str | None, Header()] = None) -> Context:
    """Actor = the token's subject; If-Match = the expected version."""
    return context_of(principal, _expected_version(if_match))


ContextDep = Annotated[Context, Depends(get_context)]


# ---- the caller's unit scope ---------------------------------------------------------
def own(principal: Principal, unit_id: str, label: str = "maintenance unit",
        shown: str | None = None) -> None:
    """A unit token touching another unit's resource sees nothing there: the same 404 as for
    a `label` `shown` (default: the unit) that does not exist."""
    scope = unit_scope(principal)
    if scope is not None and scope != unit_id:
        raise NotFound(f"no {label} {shown or unit_id}")


async def current_unit_scope(principal: Reader) -> str | None:
    """The unit the caller is confined to (None = every unit)."""
    return unit_scope(principal)


async def unit_filter(principal: Reader, unit_id: str | None = None) -> str | None:
    """`?unit_id=`: unit tokens are confined to their unit (asking for another is 404)."""
    confined = unit_scope(principal)
    if confined is None:
        return unit_id
    own(principal, unit_id or confined)
    return confined


CurrentUnitScope = Annotated[str | None, Depends(current_unit_scope)]
UnitFilter = Annotated[str | None, Depends(unit_filter)]


# ---- registry records the caller may touch -------------------------------------------
def owned_station(registry: RegistryApp, principal: Principal,
                  station_id: str) -> RescueStation:
    """The station, or 404 if missing or another unit's."""
    station = registry.station(station_id)
    own(principal, station.unit_id, "rescue station", station_id)
    return station


def owned_lift(registry: RegistryApp, principal: Principal, code: str) -> Lift:
    """The lift, or 404 if missing or another unit's."""
    lift = registry.lift(code)
    own(principal, lift.unit_id, "lift", code)
    return lift


def owned_manager(registry: RegistryApp, principal: Principal, manager_id: str) -> SafetyManager:
    """The safety manager of the register, or 404 if missing or another unit's."""
    manager = registry.manager(manager_id)
    own(principal, manager.unit_id, "safety manager", manager_id)
    return manager


async def owned_unit_id(unit_id: str, principal: Reader) -> str:
    """The unit of the path, or 404 if it is another unit's (no lookup)."""
    own(principal, unit_id)
    return unit_id


OwnedUnitId = Annotated[str, Depends(owned_unit_id)]


def get_owned_unit(unit_id: OwnedUnitId, registry: RegistryDep) -> MaintenanceUnit:
    return registry.unit(unit_id)


def get_owned_station(station_id: str, registry: RegistryDep,
                      principal: Reader) -> RescueStation:
    return owned_station(registry, principal, station_id)


def get_owned_lift(registration_code: str, registry: RegistryDep,
                   principal: Reader) -> Lift:
    return owned_lift(registry, principal, registration_code)


OwnedUnit = Annotated[MaintenanceUnit, Depends(get_owned_unit)]
OwnedStation = Annotated[RescueStation, Depends(get_owned_station)]
OwnedLift = Annotated[Lift, Depends(get_owned_lift)]


# ---- answers: ETag and the view catch-up ---------------------------------------------
Versioned = TypeVar("Versioned")


class ETag:
    """Sets the version a client sends back as If-Match to change this record safely."""

    def __init__(self, response: Response):
        self.response = response

    def __call__(self, record: Versioned) -> Versioned:
        self.response.headers["ETag"] = f'"{record.version}"'
        return record


ETagDep = Annotated[ETag, Depends()]
After = Annotated[int | None, Query(ge=0, description="wait (≤ 2 s) for this notification")]


def view_caught_up(view: str, header: str = "X-View-Caught-Up"
                   ) -> Callable[..., Awaitable[bool | None]]:
    """`?after=<notification_id>`: wait (≤ 2 s) until `view` has caught up; the answer says
    whether it did (X-View-Caught-Up: false means the rows may be older)."""

    async def caught_up(services: ServicesDep, response: Response,
                        after: After = None) -> bool | None:
        if not after:  # no wait asked: no thread hop either
            return None
        done = await run_in_threadpool(wait_for, services.pool, by_name(view), after)
        response.headers[header] = "true" if done else "false"
        return done

    return caught_up


async def registry_wait(services: ServicesDep) -> Callable[[int], bool]:
    """Waits (≤ 2 s, blocking) for the registry view to reach a notification: True if it did."""
    return lambda after: wait_for(services.pool, by_name("registry_view"), after)


RegistryWait = Annotated[Callable[[int], bool], Depends(registry_wait)]
RegistryCaughtUp = Annotated[bool | None, Depends(view_caught_up("registry_view"))]
_registry_for_lifts = view_caught_up("registry_view", "X-Registry-Caught-Up")
RegistryAfter = Annotated[int | None, Query(ge=0, description=(
    "wait (≤ 2 s) for this registry notification, e.g. a lift taken out of service"))]


async def lifts_caught_up(services: ServicesDep, response: Response,
                          registry_after: RegistryAfter = None) -> bool | None:
    """`?registry_after=`: statistics that count lifts read the registry view, whose
    notifications are not the tickets' (`after`); X-Registry-Caught-Up says if it caught up."""
    return await _registry_for_lifts(services, response, registry_after)


LiftsCaughtUp = Annotated[bool | None, Depends(lifts_caught_up)]
TicketsCaughtUp = Annotated[bool | None, Depends(view_caught_up("tickets_view"))]
