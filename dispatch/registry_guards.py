"""What registry commands check before they save: reference data, If-Match, other writers."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError

from dispatch.errors import ConcurrentUpdate, VersionMismatch
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
