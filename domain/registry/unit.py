"""A maintenance unit (维保单位): must name an emergency lead before it can maintain lifts."""

from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.events import RegistryEvent
from domain.registry.contacts import contact


class MaintenanceUnit(Aggregate):
    class UnitRegistered(RegistryEvent, Aggregate.Created):
        name: str
        emergency_lead: dict[str, Any] | None

    class RescueInfoSet(RegistryEvent):
        emergency_lead: dict[str, Any]

    @event(UnitRegistered)
    def __init__(self, *, name: str, emergency_lead: dict[str, Any] | None, actor: str,
                 correlation_id: str):
        self.name = name
        self.emergency_lead = emergency_lead

    @classmethod
    def register(cls, *, name: str, emergency_lead: dict[str, Any] | None, actor: str,
                 correlation_id: str) -> "MaintenanceUnit":
        if not name.strip():
            raise InvalidValue("name is required", field="name", zh="名称必填")
        return cls(name=name.strip(), emergency_lead=contact(emergency_lead, "emergency_lead"),
                   actor=actor, correlation_id=correlation_id)

    @property
    def has_rescue_info(self) -> bool:
        return self.emergency_lead is not None

    def set_rescue_info(self, *, emergency_lead: dict[str, Any], actor: str,
                        correlation_id: str) -> None:
        self._rescue_info_set(emergency_lead=contact(emergency_lead, "emergency_lead"),
                              actor=actor, correlation_id=correlation_id)

    @event(RescueInfoSet)
    def _rescue_info_set(self, emergency_lead, actor, correlation_id):
        self.emergency_lead = emergency_lead
