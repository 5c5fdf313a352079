"""What registry commands check before they save: reference data, If-Match, other writers."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError

from dispatch.errors import ConcurrentUpdate, VersionMismatch
from domain.errors import InvalidTransition, InvalidValue
from domain.registry.contacts import one_of

T = TypeVar("T")


class Catalogue:
    """Allowed districts and site types (reference data, loaded by the adapters)."""

    def __init__(self, districts: list[str], site_types: list[str]):
        self.districts, self.site_types = districts, site_types

    def district(self, value: str | None, field: str = "district") -> str | None:
        return one_of(value, self.districts, field)

    def site_type(self, value: str | None) -> str | None:
        return one_of(value, self.site_types, "site_type")


def no_emergency_lead(unit_name: str) -> InvalidTransition:
    """Lifts are registered only once their unit named who leads its rescues."""
    return InvalidTransition(
        f"maintenance unit {unit_name} has no emergency lead: fill in its rescue info "
        "(PUT /v1/units/{id}/rescue-info) before registering lifts",
        zh=f"维保单位 {unit_name} 尚无应急负责人：登记电梯前请先填写救援信息")


def nothing_to_change() -> InvalidValue:
    """A batch change that names nothing to change."""
    return InvalidValue("give site_type and/or safety_manager", field="site_type",
                        zh="请填写场所类型和/或安全管理员")


def outside_selection(lift, unit_id: str, using_unit_code: str) -> InvalidTransition | None:
    """Why a lift cannot join a batch change of one unit's one using unit (None: it can)."""
    if lift.unit_id != unit_id:
        return InvalidTransition(f"lift {lift.registration_code} is not maintained by this unit",
                                 zh=f"电梯 {lift.registration_code} 不由本单位维保")
    if lift.using_unit.get("code") != using_unit_code:
        return InvalidTransition(f"the selection mixes using units: lift "
                                 f"{lift.registration_code} belongs to "
                                 f"{lift.using_unit.get('code')}",
                                 zh=f"所选电梯属于不同的使用单位：电梯 {lift.registration_code} "
                                    f"属于 {lift.using_unit.get('code')}")
    return None


class StaleVersion(VersionMismatch):
    """If-Match named another version of a registry record than the current one (412)."""

    def __init__(self, label: str, expected: int, actual: int):
        Exception.__init__(self, f"{label} 已是第 {actual} 版，而非第 {expected} 版 "
                           f"({label} is at version {actual}, not {expected})" if actual else
                           f"{label} 尚不存在 ({label} does not exist yet, If-Match {expected})")
        self.expected, self.actual = expected, actual


def retried(command: Callable[..., T]) -> Callable[..., T]:
    """Run a command again on fresh state when another writer saved first (its If-Match,
    rules and rescue-code claims are then checked against what that writer left)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> T:
        try:
            return command(*args, **kwargs)
        except IntegrityError:
            try:
                return command(*args, **kwargs)
            except IntegrityError:
                raise ConcurrentUpdate("同一登记记录同时有另一处修改，请重试 (another change to "
                                       "the same registry record was saved at the same moment; "
                                       "retry)") from None

    return run
