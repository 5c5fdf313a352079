"""Reads for the public pages: a lift by its code, its entrapments, and the units' standing.

Nothing here returns a person: unit names, the unit's duty line, counts and shares only."""

from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from adapters.postgres.arrival_limit_sql import limit_params, limit_sql
from adapters.postgres.ticket_queries import MINUTES
from domain.arrival_limits import ArrivalLimits

# A ticket counts once the maintenance side was notified and the rescue decided (arrived, or
# released without arrival); on time when MINUTES (the overtime clock) is within the limit of
# the lift's district, as the overtime lists count it.
DECIDED = ("status <> 'cancelled' AND maint_notified_at IS NOT NULL "
           "AND (arrived_at IS NOT NULL OR released_at IS NOT NULL)")
STANDING = f"""
WITH units AS (
  SELECT u.unit_id, u.name,
         (SELECT count(*) FROM lifts_view l WHERE l.unit_id = u.unit_id AND l.in_service)::int
           AS lifts
  FROM units_view u),
tickets AS (
  SELECT unit_id, count(*)::int AS tickets,
         count(*) FILTER (WHERE {DECIDED})::int AS decided,
         count(*) FILTER (WHERE {DECIDED} AND {MINUTES} <= {limit_sql('district')})::int
           AS on_time,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM arrived_at
           - maint_notified_at) / 60) FILTER (WHERE arrived_at IS NOT NULL
           AND maint_notified_at IS NOT NULL) AS median_arrival
  FROM tickets_view WHERE status <> 'cancelled' AND received_at >= %(since)s
  GROUP BY unit_id)
SELECT u.unit_id, u.name, u.lifts, coalesce(t.tickets, 0) AS tickets,
       coalesce(t.decided, 0) AS decided, coalesce(t.on_time, 0) AS on_time,
       round(t.median_arrival::numeric, 1)::float AS median_arrival_minutes
FROM units u LEFT JOIN tickets t ON t.unit_id = u.unit_id
WHERE (%(unit)s::text IS NULL OR u.unit_id = %(unit)s)"""


class PublicStanding:
    """Public figures over the last 12 months (the caller gives `since`)."""

    def __init__(self, pool: ConnectionPool, limits: ArrivalLimits):
        self.pool, self.limits = pool, limits

    def _rows(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(sql, params).fetchall()

    def lift(self, code: str) -> dict[str, Any] | None:
        """The lift whose registration code, or else whose (unshared) rescue code, is `code`."""
        rows = self._rows(
            "SELECT registration_code, rescue_code, unit_id, using_unit_name, in_service "
            "FROM lifts_view WHERE registration_code = %(c)s OR rescue_code = %(c)s "
            "ORDER BY registration_code = %(c)s DESC", {"c": code})
        if not rows or (rows[0]["registration_code"] != code and len(rows) > 1):
            return None  # a rescue code held by two lifts names neither
        return rows[0]

    def entrapments(self, registration_code: str, since: datetime) -> int:
        return self._rows(
            "SELECT count(*)::int AS n FROM tickets_view WHERE registration_code = %(c)s "
            "AND status <> 'cancelled' AND received_at >= %(since)s",
            {"c": registration_code, "since": since})[0]["n"]

    def units(self, since: datetime, unit_id: str | None = None) -> list[dict[str, Any]]:
        """Every unit with its lifts in service, tickets, on-time share, entrapments per
        10,000 lifts and median minutes to arrive; best on-time share first."""
        rows = self._rows(STANDING, {"since": since, "unit": unit_id,
                                     **limit_params(self.limits)})
        for row in rows:
            row["on_time_share"] = (round(row["on_time"] / row["decided"], 4)
                                    if row["decided"] else None)
            row["per_10k_lifts"] = (round(row["tickets"] * 10_000 / row["lifts"], 1)
                                    if row["lifts"] else None)
        return sorted(rows, key=lambda r: (r["on_time_share"] is None, -(r["on_time_share"] or 0),
                                           r["per_10k_lifts"] or 0, r["name"] or ""))
