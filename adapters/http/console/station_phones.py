"""Worker mobiles on the console stations page (issue 14): full numbers, from the
personal-data store, as tel: links for admins, operators and the station's own unit."""

from typing import Any

from dispatch.errors import NotFound
from dispatch.personal_data import full_number


def worker_phones(registry: Any, store: Any, principal: Any,
                  stations: list[dict[str, Any]]) -> dict[str, str]:
    """worker_id → full mobile; none for auditors, purged or unreadable numbers stay masked."""
    if principal.role == "auditor":
        return {}
    phones: dict[str, str] = {}
    for row in stations:  # unit users' rows are already their own unit's
        try:
            station = registry.station(row["station_id"])
        except NotFound:
            continue
        for worker_id, worker in station.workers.items():
            number = full_number(store, worker, "mobile")[0]
            if number:
                phones[worker_id] = number
    return phones
