"""A lift (电梯): identified by its 20-digit registration code; bound to at most one station."""

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidTransition, InvalidValue
from domain.events import RegistryEvent
from domain.registry.contacts import contact, registration_code, rescue_code
from domain.values import business_time

LIFT_NAMESPACE = uuid.UUID("0b5d2c8e-7f4a-5e21-9c3b-1a6d4e8f2b70")
DETAIL_KEYS = ("rescue_code", "unit_id", "using_unit", "address", "district", "street",
               "site_type", "safety_manager", "location", "in_use_since")
# Set by commands other than a full revision (kept when a PUT omits them).
LINKED_KEYS = ("safety_manager_id",)
# 使用登记 dates are China's calendar (UTC+8 all year, no daylight saving): "today" is Beijing's.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
EARLIEST_IN_USE = date(1950, 1, 1)


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
        "safety_manager": manager(value.get("safety_manager")),
        "location": location(value.get("location")),
        "in_use_since": in_use_since(value.get("in_use_since")),
    }


def in_use_since(value: date | str | None) -> str | None:
    """The lift's 使用登记 date (when it really went into use), as YYYY-MM-DD: not in the
    future (China's calendar), not before 1950; None when not known."""
    if value is None or value == "":
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        day = None
    if isinstance(day, datetime) or day is None:
        raise InvalidValue(f"in_use_since {value!r} is not a date (YYYY-MM-DD)",
                           zh="使用登记日期应为日期（YYYY-MM-DD）", field="in_use_since")
    today = datetime.now(CHINA).date()
    if not EARLIEST_IN_USE <= day <= today:
        raise InvalidValue(
            f"in_use_since {day} must be from {EARLIEST_IN_USE} to today ({today})",
            zh=f"使用登记日期 {day} 应在 {EARLIEST_IN_USE} 至今天（{today}）之间",
            field="in_use_since")
    return day.isoformat()


def manager(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The safety manager: a contact, or the register's manager still without a mobile."""
    if value is not None and value.get("mobile") is None and str(value.get("name") or "").strip():
        return {"name": str(value["name"]).strip(), "mobile": None}  # a data gap, not an error
    return contact(value, "safety_manager")


def location(value: dict[str, Any] | None) -> dict[str, float] | None:
    """Where the lift stands (WGS-84 degrees): {lat, lng}, or None when not given."""
    if value is None:
        return None
    checked = {}
    for key, limit, zh in (("lat", 90, "纬度"), ("lng", 180, "经度")):
        raw = value.get(key)
        try:
            degrees = float(raw)
        except (TypeError, ValueError):
            degrees = float("nan")
        if not -limit <= degrees <= limit:  # NaN fails too
            raise InvalidValue(f"location.{key} must be a number from -{limit} to {limit}",
                               zh=f"{zh}应为 -{limit} 到 {limit} 之间的数字",
                               field=f"location.{key}")
        checked[key] = degrees
    return checked


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

    class LiftTakenOutOfService(RegistryEvent):
        since: datetime

    class LiftBackInService(RegistryEvent):
        since: datetime

    create_id = staticmethod(lift_id)
    # Defaults for lifts recorded before these facts existed.
    location: dict[str, float] | None = None
    in_use_since: str | None = None  # 使用登记 date, YYYY-MM-DD
    safety_manager_id: str | None = None
    in_service: bool = True
    out_of_service_since: datetime | None = None
    service_changed_since: datetime | None = None

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
        for key in DETAIL_KEYS + LINKED_KEYS:
            if key in facts:
                setattr(self, key, facts[key])

    def revise(self, *, facts: dict[str, Any], actor: str, correlation_id: str,
               address_confirmed: bool = False) -> bool:
        """Replace the descriptive facts; a change of unit drops the station binding; a change
        of address needs the editor's explicit confirmation (the guide's tick box), recorded."""
        new = details(facts)
        changes = {k: v for k, v in new.items() if getattr(self, k) != v}
        if not changes:
            return False
        if "address" in changes:
            if not address_confirmed:
                raise InvalidValue(
                    "changing the address needs the confirmation tick (address_confirmed)",
                    zh="修改地址须勾选确认", field="address_confirmed")
            changes["address_confirmed"] = True
        if "safety_manager" in changes and self.safety_manager_id is not None:
            changes["safety_manager_id"] = None  # named by hand now, not from the register
        if "unit_id" in changes and self.station_id is not None:
            self.unbind(actor=actor, correlation_id=correlation_id)
        self._revised(changes=changes, actor=actor, correlation_id=correlation_id)
        return True

    def amend(self, *, changes: dict[str, Any], actor: str, correlation_id: str) -> None:
        """Batch edits (site type, safety manager) on an existing lift."""
        if "safety_manager" in changes:
            changes = {**changes, "safety_manager": contact(changes["safety_manager"],
                                                            "safety_manager")}
            if self.safety_manager_id is not None:
                changes["safety_manager_id"] = None
        self._revised(changes=changes, actor=actor, correlation_id=correlation_id)

    def assign_safety_manager(self, *, manager_id: str, manager: dict[str, Any], actor: str,
                              correlation_id: str) -> None:
        """The register's manager (as sealed there: {name, mobile masked, mobile_ref})."""
        if self.safety_manager_id != manager_id or self.safety_manager != manager:
            self._revised(changes={"safety_manager": dict(manager),
                                   "safety_manager_id": manager_id},
                          actor=actor, correlation_id=correlation_id)

    def take_out_of_service(self, *, since: datetime, now: datetime, actor: str,
                            correlation_id: str) -> None:
        """Out of service (停用) from `since` (business time, not in the future)."""
        since = self._service_date(since, now)  # a wrong date is named before any state rule
        if not self.in_service:
            raise InvalidTransition(f"lift {self.registration_code} is already out of service",
                                    zh=f"电梯 {self.registration_code} 已停用")
        self._out(since=since, actor=actor, correlation_id=correlation_id)

    def return_to_service(self, *, since: datetime, now: datetime, actor: str,
                          correlation_id: str) -> None:
        """Back in service (恢复使用) from `since` (not before it went out of service)."""
        since = self._service_date(since, now)
        if self.in_service:
            raise InvalidTransition(f"lift {self.registration_code} is in service",
                                    zh=f"电梯 {self.registration_code} 在用，无需恢复")
        self._back(since=since, actor=actor, correlation_id=correlation_id)

    def _service_date(self, since: datetime, now: datetime) -> datetime:
        """`since` in UTC, by the rules of every business time (aware, from 2000, not ahead)."""
        since = business_time(since, "since", now)
        last = self.service_changed_since
        if last is not None and since < last:
            raise InvalidValue(f"since may not be before the last service change ({last:%Y-%m-%d})",
                               zh=f"日期不能早于上次停用/恢复日期（{last:%Y-%m-%d}）",
                               field="since")
        return since

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

    @event(LiftTakenOutOfService)
    def _out(self, since, actor, correlation_id):
        self.in_service, self.out_of_service_since = False, since
        self.service_changed_since = since

    @event(LiftBackInService)
    def _back(self, since, actor, correlation_id):
        self.in_service, self.out_of_service_since = True, None
        self.service_changed_since = since

    @event(LiftBound)
    def _bound(self, station_id, actor, correlation_id):
        self.station_id = station_id

    @event(LiftUnbound)
    def _unbound(self, station_id, actor, correlation_id):
        self.station_id = None
