"""The indicators city platforms publish, per maintenance unit, station, district or the city,
over a window on received_at (`from` inclusive, `to` exclusive; cancelled tickets count nowhere).

Lifts are counted in service at the END of the window (`to`, else now) by lifts_in_service.
Definitions: docs/PROJECTIONS.md "Indicators"; labels: adapters/http/stats_columns.py.
"""

from datetime import UTC, datetime
from typing import Any, Literal

from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from adapters.postgres.arrival_limit_sql import limit_params
from adapters.postgres.lifts_in_service import lifts_in_service
from adapters.postgres.ticket_queries import LIMIT, REASON
from domain.arrival_limits import ArrivalLimits

Group = Literal["unit", "station", "district", "city"]
RESPONSE_MINUTES = 3  # 三分钟响应率: a responder assigned within this of the notification
KEYS = {"unit": "unit_id", "station": "station_id", "district": "district", "city": "NULL::text"}
SNAPSHOT_NAMES = {"unit": "max(unit_name)", "station": "max(station_name)",
                  "district": "max(district)", "city": "NULL::text"}
# Every unit, station or district of the registry gets a row, with or without tickets.
REGISTRY = {
    "unit": "SELECT unit_id AS key, name FROM units_view WHERE {scope}",
    "station": "SELECT station_id AS key, name FROM stations_view WHERE {scope}",
    "district": "SELECT DISTINCT district AS key, district AS name FROM lifts_view "
                "WHERE district IS NOT NULL AND {scope}",
}
NO_KEY = {"unit": "未知维保单位 (unknown unit)", "station": "未通知救援站 (no station)",
          "district": "未知区 (unknown district)", "city": "合计 (all in scope)"}
MINUTES_TO_ARRIVE = "extract(epoch FROM arrived_at - maint_notified_at) / 60"
MINUTES_ON_SITE = "extract(epoch FROM released_at - arrived_at) / 60"
TALLY = f"""
WITH t AS (
  SELECT *, {LIMIT} AS arrival_limit, {MINUTES_TO_ARRIVE} AS to_arrive,
         {MINUTES_ON_SITE} AS on_site, ({REASON}) AS overtime_reason
  FROM tickets_view
  WHERE status <> 'cancelled' AND (%(unit)s::text IS NULL OR unit_id = %(unit)s)
    AND (%(start)s::timestamptz IS NULL OR received_at >= %(start)s)
    AND received_at < %(end)s)
SELECT {{key}} AS key, {{name}} AS snapshot_name, count(*)::int AS tickets,
  count(maint_notified_at)::int AS notified,
  count(*) FILTER (WHERE assigned_at <= maint_notified_at
                   + make_interval(mins => %(response)s))::int AS responded_in_time,
  count(*) FILTER (WHERE to_arrive <= arrival_limit)::int AS arrived_in_limit,
  count(overtime_reason)::int AS overtime,
  avg(to_arrive)::float AS avg_minutes_to_arrive,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY to_arrive)::float AS median_minutes_to_arrive,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY to_arrive)::float AS p90_minutes_to_arrive,
  avg(on_site)::float AS avg_minutes_on_site,
  count(*) FILTER (WHERE level = 1)::int AS level_1,
  count(*) FILTER (WHERE level = 2)::int AS level_2,
  count(*) FILTER (WHERE level = 3)::int AS level_3
FROM t GROUP BY 1"""
COUNTS = ("tickets", "notified", "responded_in_time", "arrived_in_limit", "overtime",
          "level_1", "level_2", "level_3")
MINUTES = ("avg_minutes_to_arrive", "median_minutes_to_arrive", "p90_minutes_to_arrive",
           "avg_minutes_on_site")


def ratio(part: float, whole: float | None, scale: float = 1, places: int = 2) -> float | None:
    """part ÷ whole × scale, rounded; None when there is nothing to divide by."""
    return round(part * scale / whole, places) if whole else None


def figures(tally: dict[str, Any], lifts: int | None) -> dict[str, Any]:
    """The published figures from one group's tally and its lifts in service."""
    tickets, decided = tally["tickets"], tally["arrived_in_limit"] + tally["overtime"]
    return {
        **{k: tally[k] for k in COUNTS},
        **{k: None if tally[k] is None else round(tally[k], 2) for k in MINUTES},
        "lifts_in_service": lifts,
        "lifts_per_ticket": ratio(lifts or 0, tickets) if lifts is not None else None,
        "tickets_per_10k_lifts": ratio(tickets, lifts, 10_000),
        "tickets_per_lift_pct": ratio(tickets, lifts, 100, 4),
        "response_rate_pct": ratio(tally["responded_in_time"], tally["notified"], 100),
        "arrival_rate_pct": ratio(tally["arrived_in_limit"], decided, 100),
        "overtime_share_pct": ratio(tally["overtime"], tickets, 100),
    }


EMPTY = {**{k: 0 for k in COUNTS}, **{k: None for k in MINUTES}}


class Indicators:
    def __init__(self, pool: ConnectionPool, limits: ArrivalLimits):
        self.pool, self.limits = pool, limits

    def by(self, group: Group, unit_id: str | None, start: datetime | None,
           end: datetime | None) -> list[dict[str, Any]]:
        """One row per group key (registry keys included with zero tickets), name beside."""
        end = end or datetime.now(UTC)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            tallies = {r["key"]: r for r in cur.execute(
                TALLY.format(key=KEYS[group], name=SNAPSHOT_NAMES[group]),
                {"unit": unit_id, "start": start, "end": end, "response": RESPONSE_MINUTES,
                 **limit_params(self.limits)}).fetchall()}
            names = self._registry(cur, group, unit_id)
            rows = []
            for key in [*names, *(k for k in tallies if k not in names)]:
                tally = tallies.get(key, EMPTY)
                name = names.get(key) or tally.get("snapshot_name") or key or NO_KEY[group]
                lifts = self._lifts(conn, group, key, unit_id, end)
                rows.append({"key": key, "name": name, **figures(tally, lifts)})
        if group == "city" and not rows:
            rows = [{"key": None, "name": NO_KEY["city"],
                     **figures(EMPTY, self._lifts_at(end, unit_id))}]
        return rows

    def _lifts_at(self, end: datetime, unit_id: str | None) -> int:
        with self.pool.connection() as conn:
            return lifts_in_service(conn, end, unit_id=unit_id)

    @staticmethod
    def _registry(cur: Any, group: Group, unit_id: str | None) -> dict[Any, str]:
        if group not in REGISTRY:
            return {}
        scope = "(%(unit)s::text IS NULL OR unit_id = %(unit)s)"
        rows = cur.execute(REGISTRY[group].format(scope=scope) + " ORDER BY name, key",
                           {"unit": unit_id}).fetchall()
        return {r["key"]: r["name"] for r in rows}

    @staticmethod
    def _lifts(conn: Connection, group: Group, key: str | None, unit_id: str | None,
               end: datetime) -> int | None:
        """Lifts in service at the window's end for this key (None: a row without a key,
        such as tickets of unregistered lifts, has no lifts to count)."""
        if group == "city":
            return lifts_in_service(conn, end, unit_id=unit_id)
        if key is None:
            return None
        where = {"unit": {"unit_id": key}, "station": {"station_id": key},
                 "district": {"district": key}}[group]
        if unit_id is not None and group != "unit":
            where["unit_id"] = unit_id
        return lifts_in_service(conn, end, **where)


def sort_rows(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Rows by one figure (`-figure`: descending); rows without the figure always last."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    present = [r for r in rows if r.get(key) is not None]
    absent = [r for r in rows if r.get(key) is None]
    present.sort(key=lambda r: (r[key], str(r.get("name") or "")), reverse=descending)
    return present + absent
