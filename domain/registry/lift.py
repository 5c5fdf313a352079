"""A lift (电梯): identified by its 20-digit registration code; bound to at most one station."""

import uuid
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidTransition
from domain.events import RegistryEvent
from domain.registry.contacts import contact, registration_code, rescue_code

LIFT_NAMESPACE = uuid.UUID("0b5d2c8e-7f4a-5e21-9c3b-1a6d4e8f2b70")
DETAIL_KEYS = ("rescue_code", "unit_id", "using_unit", "address", "district", "street",
               "site_type", "safety_manager")


def lift_id(registration_code: str) -> uuid.UUID:
    return uuid.uuid5(LIFT_NAMESPACE, registration_code)


def details(value: dict[str, Any]) -> dict[str, Any]:
    """The lift's descriptive facts, validated (district and site type are checked upstream)."""
    return {
        "rescue_code": rescue_code(value.get("rescue_code")),
        "unit_id": value["unit_id"],
        "using_unit": dict(value["using_unit"]),
        "address": value["address"],
        "district": value["district"],
        "street": value.get("street"),
        "site_type": value.get("site_type"),
        "safety_manager": contact(value.get("safety_manager"), "safety_manager"),
    }


class Lift(Aggregate):
    class LiftRegistered(RegistryEvent, Aggregate.Created):
        registration_code: str
        details: dict[str, Any]

    class LiftRevised(RegistryEvent):
        changes: dict[str, Any]

    class LiftBound(RegistryEvent):
        station_id: str

    class LiftUnbound(RegistryEvent):
        station_id: str

    create_id = staticmethod(lift_id)

    @event(LiftRegistered)
    def __init__(self, *, registration_code: str, details: dict[str, Any], actor: str,
                 correlation_id: str):
        self.registration_code = registration_code
        self.station_id: str | None = None
        self._apply(details)

    @classmethod
    def register(cls, *, code: str, facts: dict[str, Any], actor: str,
                 correlation_id: str) -> "Lift":
        return cls(registration_code=registration_code(code), details=details(facts),
                   actor=actor, correlation_id=correlation_id)

    def _apply(self, facts: dict[str, Any]) -> None:
        for key in DETAIL_KEYS:
            if key in facts:
                setattr(self, key, facts[key])

    def revise(self, *, facts: dict[str, Any], actor: str, correlation_id: str) -> bool:
        """Replace the descriptive facts; a change of unit drops the station binding."""
        new = details(facts)
        changes = {k: v for k, v in new.items() if getattr(self, k) != v}
        if not changes:
            return False
        if "unit_id" in changes and self.station_id is not None:
            self.unbind(actor=actor, correlation_id=correlation_id)
        self._revised(changes=changes, actor=actor, correlation_id=correlation_id)
        return True

    def amend(self, *, changes: dict[str, Any], actor: str, correlation_id: str) -> None:
        """Batch edits (site type, safety manager) on an existing lift."""
        if "safety_manager" in changes:
            changes = {**changes, "safety_manager": contact(changes["safety_manager"],
                                                            "safety_manager")}
        self._revised(changes=changes, actor=actor, correlation_id=correlation_id)

    def bind(self, *, station_id: str, station_unit_id: str, actor: str,
             correlation_id: str) -> None:
        if station_unit_id != self.unit_id:
            raise InvalidTransition(
                f"lift {self.registration_code} belongs to another maintenance unit",
                zh=f"电梯 {self.registration_code} 属于另一家维保单位")
        if self.station_id != station_id:
            self._bound(station_id=station_id, actor=actor, correlation_id=correlation_id)

    def unbind(self, *, actor: str, correlation_id: str) -> None:
        if self.station_id is not None:
            self._unbound(station_id=self.station_id, actor=actor, correlation_id=correlation_id)

    @event(LiftRevised)
    def _revised(self, changes, actor, correlation_id):
        self._apply(changes)

    @event(LiftBound)
    def _bound(self, station_id, actor, correlation_id):
        self.station_id = station_id

    @event(LiftUnbound)
    def _unbound(self, station_id, actor, correlation_id):
        self.station_id = None
