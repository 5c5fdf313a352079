"""A safety manager (安全管理员) in a maintenance unit's register: entered once, assigned to
many lifts. The mobile is optional (without one the manager is a data gap)."""

from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.events import RegistryEvent
from domain.registry.contacts import MASKED_MOBILE
from domain.values import MOBILE


def manager_contact(value: dict[str, Any]) -> dict[str, Any]:
    """{name, mobile} as given, or as sealed ({name, mobile: masked, mobile_ref}); no mobile
    is allowed (the register shows it as a gap)."""
    name = str(value.get("name") or "").strip()
    if not name or len(name) > 100:
        raise InvalidValue("name is required (at most 100 characters)",
                           zh="姓名必填（不超过 100 字）", field="name")
    mobile = str(value.get("mobile") or "").strip() or None
    ref = value.get("mobile_ref")
    if mobile is None:
        return {"name": name, "mobile": None}
    if ref and MASKED_MOBILE.match(mobile):
        return {"name": name, "mobile": mobile, "mobile_ref": str(ref)}
    if not MOBILE.match(mobile):
        raise InvalidValue("mobile must be 11 digits starting 13-19",
                           zh="手机号应为 13-19 开头的 11 位数字", field="mobile")
    return {"name": name, "mobile": mobile}


class SafetyManager(Aggregate):
    class ManagerEntered(RegistryEvent, Aggregate.Created):
        unit_id: str
        contact: dict[str, Any]

    class ManagerRevised(RegistryEvent):
        contact: dict[str, Any]

    @event(ManagerEntered)
    def __init__(self, *, unit_id: str, contact: dict[str, Any], actor: str,
                 correlation_id: str):
        self.unit_id = unit_id
        self.contact = contact

    @classmethod
    def enter(cls, *, unit_id: str, contact: dict[str, Any], actor: str,
              correlation_id: str) -> "SafetyManager":
        return cls(unit_id=unit_id, contact=manager_contact(contact), actor=actor,
                   correlation_id=correlation_id)

    @property
    def name(self) -> str:
        return self.contact["name"]

    @property
    def has_mobile(self) -> bool:
        return bool(self.contact.get("mobile"))

    def revise(self, *, contact: dict[str, Any], actor: str, correlation_id: str) -> bool:
        new = manager_contact(contact)
        if new == self.contact:
            return False
        self._revised(contact=new, actor=actor, correlation_id=correlation_id)
        return True

    @event(ManagerRevised)
    def _revised(self, contact, actor, correlation_id):
        self.contact = contact
