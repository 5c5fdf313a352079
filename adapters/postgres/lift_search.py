"""The lift search's WHERE clause over lifts_view (issue 15): registration or rescue code,
using unit (name or code), station, district, bound/unbound, free text `q`."""

from typing import Any

EXACT = ("unit_id", "using_unit_code", "station_id", "district", "rescue_code")
SHOWN = ("in_service, out_of_service_since, location, safety_manager_id, "
         "safety_manager_mobile, safety_manager_mobile_ref")


def _like(text: str) -> str:
    """`text` as a LIKE pattern that matches it literally anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def lift_where(filters: dict[str, Any], after: str | None) -> tuple[list[str], list[Any]]:
    """Conditions (ANDed) and their parameters; empty filters are ignored."""
    where, params = ["registration_code > %s"], [after or ""]
    for key in EXACT:
        if filters.get(key):
            where.append(f"{key} = %s")
            params.append(filters[key])
    if filters.get("registration_code"):  # a prefix: the first digits are the area code
        where.append("registration_code LIKE %s")
        params.append(filters["registration_code"].replace("%", "") + "%")
    if filters.get("using_unit"):
        where.append("(using_unit_code = %s OR using_unit_name ILIKE %s)")
        params += [filters["using_unit"], _like(filters["using_unit"])]
    if filters.get("q"):
        where.append("(registration_code LIKE %s OR rescue_code = %s OR using_unit_code = %s "
                     "OR using_unit_name ILIKE %s OR address ILIKE %s)")
        q = filters["q"]
        params += [_like(q), q, q, _like(q), _like(q)]
    if filters.get("bound") is not None:
        where.append("station_id IS NOT NULL" if filters["bound"] else "station_id IS NULL")
    if filters.get("in_service") is not None:
        where.append("in_service" if filters["in_service"] else "NOT in_service")
    return where, params
