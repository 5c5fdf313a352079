"""The arrival limit in SQL: each row's limit from its lift's district (domain.arrival_limits)."""

from typing import Any

from psycopg.types.json import Jsonb

from domain.arrival_limits import ArrivalLimits


def limit_sql(district: str, positional: bool = False) -> str:
    """The row's limit in minutes: the district's exception, else the default. Named
    placeholders %(arrival_limits)s, %(arrival_default)s (or two positional %s, in that order)."""
    limits, default = ("%s", "%s") if positional else ("%(arrival_limits)s", "%(arrival_default)s")
    return f"coalesce(({limits}::jsonb ->> coalesce({district}, ''))::int, {default})"


def limit_params(limits: ArrivalLimits) -> dict[str, Any]:
    """The values of limit_sql's named placeholders."""
    return {"arrival_limits": Jsonb(dict(limits.by_district)), "arrival_default": limits.default}


def limit_values(limits: ArrivalLimits) -> tuple[Any, Any]:
    """The values of limit_sql's positional placeholders."""
    return Jsonb(dict(limits.by_district)), limits.default
