"""RegistryApp: units, stations, workers and lifts; every change an event with its actor."""

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from dispatch.commands import Context
from dispatch.errors import NotFound
from dispatch.ports import PersonalData
from dispatch.registry_contacts import ContactSealer
from dispatch.registry_guards import Catalogue, StaleVersion
from dispatch.registry_lifts import LiftCommands
from dispatch.registry_managers import ManagerCommands
from dispatch.registry_units import UnitCommands
from domain.registry.contacts import registration_code
from domain.registry.lift import Lift, lift_id
from domain.registry.rescue_code import RescueCodeClaim, claim_id
from domain.registry.station import RescueStation
from domain.registry.unit import MaintenanceUnit

T = TypeVar("T")
__all__ = ["Catalogue", "RegistryApp", "StaleVersion"]


class RegistryApp(UnitCommands, LiftCommands, ManagerCommands, Application[UUID]):
    """Registry use cases; bulk operations save all their aggregates in one transaction."""

    name = "registry"

    def __init__(self, env: dict[str, str] | None = None, *,
                 catalogue: Catalogue | None = None,
                 lifts_of_using_unit: Callable[[str, str], list[str]] | None = None,
                 lifts_with_rescue_code: Callable[[str], list[str]] | None = None,
                 units_with_code: Callable[[str], list[str]] | None = None,
                 personal_data: PersonalData | None = None):
        super().__init__(env)
        self.contacts = ContactSealer(personal_data)  # full mobiles stay out of the events
        self.catalogue = catalogue or Catalogue([], [])
        self.lifts_of_using_unit = lifts_of_using_unit
        # From the view: lifts registered before rescue codes were claimed have no claim.
        self.lifts_with_rescue_code = lifts_with_rescue_code or (lambda _: [])
        self.units_with_code = units_with_code or (lambda _: [])  # ids, from the view

    def _get(self, kind: type[T], aggregate_id: UUID | str, label: str,
             shown: str | None = None) -> T:
        missing = NotFound(f"no {label} {shown or aggregate_id}")
        try:
            found = self.repository.get(UUID(str(aggregate_id)))
        except (AggregateNotFoundError, ValueError):
            raise missing from None
        if not isinstance(found, kind):
            raise missing
        return found

    def unit(self, unit_id: UUID | str) -> MaintenanceUnit:
        return self._get(MaintenanceUnit, unit_id, "maintenance unit")

    def station(self, station_id: UUID | str) -> RescueStation:
        return self._get(RescueStation, station_id, "rescue station")

    def lift(self, code: str) -> Lift:
        return self._get(Lift, lift_id(registration_code(code)), "lift", code)

    def rescue_code_claim(self, rescue_code: str) -> RescueCodeClaim | None:
        """Who holds the code now (None: never claimed, e.g. only by lifts older than claims)."""
        try:
            return self._get(RescueCodeClaim, claim_id(rescue_code), "rescue code")
        except NotFound:
            return None

    def _save(self, *aggregates: Any) -> int | None:
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else None

    @staticmethod
    def _expect(found: T, ctx: Context, label: str) -> T:
        """`found`, if the caller's If-Match version is current (0 = "must not exist yet")."""
        actual = found.version if found is not None else 0
        if ctx.expected_version is not None and ctx.expected_version != actual:
            raise StaleVersion(label, ctx.expected_version, actual)
        return found
