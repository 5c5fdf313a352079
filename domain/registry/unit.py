"""A maintenance unit (维保单位): must name an emergency lead before it can maintain lifts."""

from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.events import RegistryEvent
from domain.registry.contacts import contact
from domain.registry.unit_facts import credit_code, duty_phone

# The rescue information besides the lead (issue 15), each optional until given.
FACTS = ("code", "address", "duty_phone")


def unit_facts(code: str | None, address: str | None, phone: str | None) -> dict[str, Any]:
    """Code, address and duty phone checked (None: not given)."""
    if address is not None and not address.strip():
        raise InvalidValue("address may not be blank", field="address", zh="地址不能为空")
    return {"code": None if code is None else credit_code(code),
            "address": None if address is None else address.strip()[:200],
            "duty_phone": None if phone is None else duty_phone(phone)}


class MaintenanceUnit(Aggregate):
    class UnitRegistered(RegistryEvent, Aggregate.Created):
        name: str
        emergency_lead: dict[str, Any] | None

    class RescueInfoSet(RegistryEvent):
        """The whole rescue information as it now stands; v1 named the lead only."""
        emergency_lead: dict[str, Any]
        code: str | None
        address: str | None
        duty_phone: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            for name in FACTS:
                state.setdefault(name, None)

    @event(UnitRegistered)
    def __init__(self, *, name: str, emergency_lead: dict[str, Any] | None, actor: str,
                 correlation_id: str):
        self.name = name
        self.emergency_lead = emergency_lead
        self.code = self.address = self.duty_phone = None

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

    @property
    def rescue_info(self) -> dict[str, Any]:
        """Lead, code, address and duty phone as they stand (None where never given)."""
        return {"emergency_lead": self.emergency_lead,
                **{name: getattr(self, name, None) for name in FACTS}}

    def set_rescue_info(self, *, emergency_lead: dict[str, Any] | None, actor: str,
                        correlation_id: str, code: str | None = None,
                        address: str | None = None, duty_phone: str | None = None) -> None:
        """Change what is given (None keeps the current value); a lead is always required."""
        given = unit_facts(code, address, duty_phone)
        lead = contact(emergency_lead or self.emergency_lead, "emergency_lead")
        if lead is None:
            raise InvalidValue("emergency_lead is required", field="emergency_lead.name",
                               zh="应急负责人必填")
        facts = {name: given[name] or getattr(self, name, None) for name in FACTS}
        self._rescue_info_set(emergency_lead=lead, **facts, actor=actor,
                              correlation_id=correlation_id)

    @event(RescueInfoSet)
    def _rescue_info_set(self, emergency_lead, code, address, duty_phone, actor,
                         correlation_id):
        self.emergency_lead = emergency_lead
        self.code, self.address, self.duty_phone = code, address, duty_phone

