"""Phones on the console's registry pages (issues 14, 15): full numbers, from the personal-data
store, as tel: links for admins, operators and the record's own unit; none for auditors."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dispatch.errors import NotFound
from dispatch.personal_data import full_number


def _shown(store: Any, principal: Any,
           contacts: Iterable[tuple[str, dict[str, Any] | None]]) -> dict[str, str]:
    """key → full mobile; none for auditors, purged or unreadable numbers stay masked."""
    if principal.role == "auditor":
        return {}
    found = ((key, full_number(store, c, "mobile")[0] if c else None) for key, c in contacts)
    return {key: number for key, number in found if number}


def _records(rows: list[dict[str, Any]], key: str, load: Callable[[str], Any]) -> Iterator[Any]:
    for row in rows:  # the rows are already in the caller's scope
        try:
            yield load(row[key])
        except NotFound:
            continue


def worker_phones(registry: Any, store: Any, principal: Any,
                  stations: list[dict[str, Any]]) -> dict[str, str]:
    """worker_id → full mobile."""
    return _shown(store, principal, ((wid, w) for s in _records(
        stations, "station_id", registry.station) for wid, w in s.workers.items()))


def unit_phones(registry: Any, store: Any, principal: Any,
                units: list[dict[str, Any]]) -> dict[str, str]:
    """unit_id → its emergency lead's full mobile."""
    return _shown(store, principal, ((str(u.id), u.emergency_lead) for u in _records(
        units, "unit_id", registry.unit)))
