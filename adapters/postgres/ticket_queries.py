"""Reads of tickets_view: dynamics, lists, overtime, statistics (windows on received_at,
`from` inclusive, `to` exclusive; cancelled tickets count nowhere)."""

from datetime import UTC, datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from adapters.postgres.arrival_limit_sql import limit_params, limit_sql
from adapters.postgres.lifts_in_service import lifts_in_service
from adapters.postgres.ticket_search import TicketFilter, search_sql
from adapters.reference import FaultCauseTable
from domain.arrival_limits import ArrivalLimits

OPEN = ("received", "notified", "assigned")
GROUPS = {
    # station and unit: grouped by id (two units' stations may share a name), name beside it.
    "station": "t.station_id",
    "unit": "t.unit_id",
    "district": "coalesce(district, 'unknown')",
    "site_type": "coalesce(site_type, 'unknown')",
    "hour": "extract(hour FROM received_at AT TIME ZONE %(tz)s)::int::text",
    "cause": "coalesce(cause_root || '/' || cause_sub, 'unknown')",
}
NAMES = {  # the name shown beside an id key: the registry's current one, else the snapshot's
    "station": ("LEFT JOIN stations_view s ON s.station_id = t.station_id",
                "coalesce(max(s.name), max(t.station_name))", "未通知救援站 / no station"),
    "unit": ("LEFT JOIN units_view u ON u.unit_id = t.unit_id",
             "coalesce(max(u.name), max(t.unit_name))", "未知维保单位 / unknown unit"),
}
# The arrival clock runs from the maintenance side's first notification (maint_notified_at)
# to arrival, else to release, else to now; the limit is the lift's district's (LIMIT). See
# docs/PROJECTIONS.md "Overtime".
LIMIT = limit_sql("district")
MINUTES = ("extract(epoch FROM coalesce(arrived_at, released_at, now()) - maint_notified_at)"
           " / 60")
REASON = (f"CASE WHEN status = 'cancelled' OR maint_notified_at IS NULL "
          f"OR {MINUTES} <= {LIMIT} THEN NULL WHEN arrived_at IS NOT NULL THEN 'late' "
          "WHEN released_at IS NOT NULL THEN 'never_arrived' ELSE 'open' END")


class TicketQueries:
    def __init__(self, pool: ConnectionPool, timezone: str, limits: ArrivalLimits | int):
        self.pool, self.timezone, self.limits = pool, timezone, ArrivalLimits.of(limits)

    def _rows(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(sql, params).fetchall()

    @staticmethod
    def _where(unit_id: str | None, start: datetime | None, end: datetime | None,
               extra: str = "", table: str = "") -> str:
        clauses = [f"(%(unit)s::text IS NULL OR {table}unit_id = %(unit)s)",
                   "(%(start)s::timestamptz IS NULL OR received_at >= %(start)s)",
                   "(%(end)s::timestamptz IS NULL OR received_at < %(end)s)"]
        return " AND ".join(clauses + ([extra] if extra else []))

    def tickets(self, where: TicketFilter, limit: int,
                cursor: tuple[datetime, str] | None = None,
                newest_first: bool = True) -> list[dict[str, Any]]:
        """One page of tickets matching every filter (the list, search and 困人动态 rows)."""
        sql, params = search_sql(where, cursor, newest_first)
        return self._rows(f"SELECT *, {REASON} AS overtime_reason FROM tickets_view "
                          f"WHERE {sql} LIMIT %(row_limit)s",
                          {**params, "row_limit": limit, **limit_params(self.limits)})

    def ticket_of_number(self, ticket_no: str) -> dict[str, Any] | None:
        """The ticket with this number (ticket_id, unit_id), if any."""
        rows = self._rows("SELECT ticket_id, unit_id FROM tickets_view WHERE ticket_no = %(no)s "
                          "ORDER BY received_at DESC LIMIT 1", {"no": ticket_no})
        return rows[0] if rows else None

    def overtime(self, unit_id: str | None, station_id: str | None, start: datetime | None,
                 end: datetime | None) -> list[dict[str, Any]]:
        """Late, never arrived, or still open past the limit (`reason` says which)."""
        return self._overtime(unit_id, start, end, "(%(station)s::text IS NULL OR "
                              "station_id = %(station)s)", {"station": station_id})

    def open_overdue(self, unit_id: str | None) -> list[dict[str, Any]]:
        """Open tickets (whenever received) whose rescuer is not on site past the limit."""
        rows = self._overtime(unit_id, None, None, "status = ANY(%(open)s)", {"open": list(OPEN)})
        return [{**r, "minutes_since_notified": r["minutes"]} for r in rows]

    def _overtime(self, unit_id: str | None, start: datetime | None, end: datetime | None,
                  extra: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        where = self._where(unit_id, start, end, f"{extra} AND ({REASON}) IS NOT NULL")
        return self._rows(
            "SELECT ticket_id, ticket_no, registration_code, lift_code, "
            "coalesce(registration_code, lift_code) AS lift, unit_id, station_id, station_name, "
            "coalesce(station_name, station_id) AS station, status, level, "
            "maint_notified_at AS notified_at, arrived_at, arrival_proof, released_at, "
            f"round(({MINUTES})::numeric, 2)::float AS minutes, "
            f"round(({MINUTES} - {LIMIT})::numeric, 2)::float AS minutes_over, "
            f"{LIMIT} AS limit_minutes, district, "
            f"{REASON} AS reason FROM tickets_view WHERE {where} "
            "ORDER BY maint_notified_at, ticket_id",
            {"unit": unit_id, "start": start, "end": end, **limit_params(self.limits), **params})

    def counts(self, group_by: str, unit_id: str | None, start: datetime | None,
               end: datetime | None) -> list[dict[str, Any]]:
        key = GROUPS[group_by]
        join, name, none = NAMES.get(group_by, ("", "NULL", None))
        where = self._where(unit_id, start, end, "status <> %(cancelled)s", table="t.")
        rows = self._rows(
            f"SELECT {key} AS key, {name} AS name, count(*)::int AS tickets "
            f"FROM tickets_view t {join} WHERE {where} "
            "GROUP BY 1 ORDER BY 3 DESC, 2, 1", {"unit": unit_id, "start": start, "end": end,
                                                 "tz": self.timezone, "cancelled": "cancelled"})
        if group_by == "cause":  # earlier provisional codes counted under today's categories
            return FaultCauseTable().merge_counts(rows)
        if group_by not in NAMES:
            return [{"key": r["key"], "tickets": r["tickets"]} for r in rows]
        return [{**r, "name": r["name"] or (none if r["key"] is None else r["key"])}
                for r in rows]

    def entrapment_rate(self, unit_id: str | None, start: datetime | None,
                        end: datetime | None) -> dict[str, Any]:
        tickets = self._rows(
            f"SELECT count(*)::int AS n FROM tickets_view WHERE "
            f"{self._where(unit_id, start, end, 'status <> %(cancelled)s')}",
            {"unit": unit_id, "start": start, "end": end, "cancelled": "cancelled"})[0]["n"]
        with self.pool.connection() as conn:  # in service at the window's end (issue 15)
            lifts = lifts_in_service(conn, end or datetime.now(UTC), unit_id=unit_id)
        return {"lifts_in_service": lifts, "entrapment_tickets": tickets,
                "tickets_per_10k_lifts": round(tickets * 10_000 / lifts, 2) if lifts else None,
                "lifts_per_ticket": round(lifts / tickets, 2) if tickets else None}

    def per_lift(self, unit_id: str | None, start: datetime | None, end: datetime | None,
                 min_tickets: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT coalesce(registration_code, lift_code) AS registration_code, "
            "count(*)::int AS tickets FROM tickets_view WHERE "
            f"{self._where(unit_id, start, end, 'status <> %(cancelled)s')} GROUP BY 1 "
            "HAVING count(*) >= %(min)s ORDER BY 2 DESC, 1",
            {"unit": unit_id, "start": start, "end": end, "cancelled": "cancelled",
             "min": min_tickets})

    def board(self, unit_id: str | None, limit: int = 200) -> list[dict[str, Any]]:
        """Open tickets for the live board: the longest-waiting first (unnotified ones on top)."""
        extra = "status = ANY(%(open)s)"
        return self._rows(
            f"SELECT *, {LIMIT} AS limit_minutes FROM tickets_view "
            f"WHERE {self._where(unit_id, None, None, extra)} "
            "ORDER BY notified_at ASC NULLS FIRST, received_at, ticket_id LIMIT %(limit)s",
            {"unit": unit_id, "start": None, "end": None, "open": list(OPEN), "limit": limit,
             **limit_params(self.limits)})

    def board_signature(self, unit_id: str | None) -> str:
        """Changes whenever a ticket on (or leaving) the caller's board changes; carries no
        ticket data, so it can go down an SSE stream without leaking anything."""
        extra = "status = ANY(%(open)s)"
        row = self._rows(
            "SELECT count(*)::text || ':' || coalesce(md5(string_agg("
            "ticket_id::text || ':' || version::text, ',' ORDER BY ticket_id)), '') "
            f"AS sig FROM tickets_view WHERE {self._where(unit_id, None, None, extra)}",
            {"unit": unit_id, "start": None, "end": None, "open": list(OPEN)})
        return row[0]["sig"]

    def missing_fault_reports(self, unit_id: str | None) -> list[dict[str, Any]]:
        return self._released_without(unit_id, "cause_root IS NULL")

    def missing_rescue_methods(self, unit_id: str | None) -> list[dict[str, Any]]:
        """Released tickets whose release named no rescue method (救援方法; old clients)."""
        return self._released_without(unit_id, "rescue_method IS NULL")

    def _released_without(self, unit_id: str | None, missing: str) -> list[dict[str, Any]]:
        extra = f"released_at IS NOT NULL AND {missing} AND status <> 'cancelled'"
        return self._rows(
            "SELECT ticket_id, ticket_no, registration_code, unit_id, released_at "
            f"FROM tickets_view WHERE {self._where(unit_id, None, None, extra)} "
            "ORDER BY released_at", {"unit": unit_id, "start": None, "end": None})
