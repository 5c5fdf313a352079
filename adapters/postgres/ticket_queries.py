"""Reads of tickets_view: dynamics, lists, overtime, statistics (windows on received_at,
`from` inclusive, `to` exclusive; cancelled tickets count nowhere)."""

from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

OPEN = ("received", "notified", "assigned")
GROUPS = {
    "station": "coalesce(station_name, station_id, 'unknown')",
    "unit": "coalesce(unit_name, unit_id, 'unknown')",
    "district": "coalesce(district, 'unknown')",
    "site_type": "coalesce(site_type, 'unknown')",
    "hour": "extract(hour FROM received_at AT TIME ZONE %(tz)s)::int::text",
    "cause": "coalesce(cause_root || '/' || cause_sub, 'unknown')",
}
MINUTES = "extract(epoch FROM arrived_at - notified_at) / 60"


class TicketQueries:
    def __init__(self, pool: ConnectionPool, timezone: str, overtime_minutes: int):
        self.pool, self.timezone, self.limit_minutes = pool, timezone, overtime_minutes

    def _rows(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(sql, params).fetchall()

    @staticmethod
    def _where(unit_id: str | None, start: datetime | None, end: datetime | None,
               extra: str = "") -> str:
        clauses = ["(%(unit)s::text IS NULL OR unit_id = %(unit)s)",
                   "(%(start)s::timestamptz IS NULL OR received_at >= %(start)s)",
                   "(%(end)s::timestamptz IS NULL OR received_at < %(end)s)"]
        return " AND ".join(clauses + ([extra] if extra else []))

    def dynamics(self, unit_id: str | None, limit: int) -> list[dict[str, Any]]:
        return self._rows(f"SELECT * FROM tickets_view WHERE {self._where(unit_id, None, None)} "
                          "ORDER BY received_at DESC, ticket_id DESC LIMIT %(limit)s",
                          {"unit": unit_id, "start": None, "end": None, "limit": limit})

    def tickets(self, unit_id: str | None, status: str | None, start: datetime | None,
                end: datetime | None, limit: int, cursor: tuple[datetime, str] | None):
        extra = "(%(status)s::text IS NULL OR status = %(status)s)"
        if cursor:
            extra += " AND (received_at, ticket_id) < (%(c_at)s, %(c_id)s)"
        return self._rows(f"SELECT * FROM tickets_view WHERE {self._where(unit_id, start, end, extra)}"
                          " ORDER BY received_at DESC, ticket_id DESC LIMIT %(limit)s",
                          {"unit": unit_id, "start": start, "end": end, "status": status,
                           "limit": limit, "c_at": cursor[0] if cursor else None,
                           "c_id": cursor[1] if cursor else None})

    def overtime(self, unit_id: str | None, station_id: str | None, start: datetime | None,
                 end: datetime | None) -> list[dict[str, Any]]:
        extra = (f"status <> 'cancelled' AND {MINUTES} > %(limit)s AND "
                 "(%(station)s::text IS NULL OR station_id = %(station)s)")
        return self._rows(
            f"SELECT ticket_id, ticket_no, registration_code, lift_code, unit_id, station_id, "
            f"station_name, notified_at, arrived_at, round(({MINUTES})::numeric, 2)::float "
            f"AS minutes, round(({MINUTES} - %(limit)s)::numeric, 2)::float AS minutes_over "
            f"FROM tickets_view WHERE {self._where(unit_id, start, end, extra)} "
            "ORDER BY notified_at", {"unit": unit_id, "start": start, "end": end,
                                     "station": station_id, "limit": self.limit_minutes})

    def open_overdue(self, unit_id: str | None) -> list[dict[str, Any]]:
        extra = ("status = ANY(%(open)s) AND arrived_at IS NULL AND "
                 "notified_at < now() - make_interval(mins => %(limit)s)")
        return self._rows(
            "SELECT ticket_id, ticket_no, registration_code, lift_code, unit_id, station_id, "
            "station_name, status, level, notified_at, round((extract(epoch FROM now() - "
            "notified_at) / 60)::numeric, 2)::float AS minutes_since_notified "
            f"FROM tickets_view WHERE {self._where(unit_id, None, None, extra)} "
            "ORDER BY notified_at", {"unit": unit_id, "start": None, "end": None,
                                     "open": list(OPEN), "limit": self.limit_minutes})

    def counts(self, group_by: str, unit_id: str | None, start: datetime | None,
               end: datetime | None) -> list[dict[str, Any]]:
        key = GROUPS[group_by]
        return self._rows(
            f"SELECT {key} AS key, count(*)::int AS tickets FROM tickets_view "
            f"WHERE {self._where(unit_id, start, end, 'status <> %(cancelled)s')} "
            "GROUP BY 1 ORDER BY 2 DESC, 1", {"unit": unit_id, "start": start, "end": end,
                                              "tz": self.timezone, "cancelled": "cancelled"})

    def entrapment_rate(self, unit_id: str | None, start: datetime | None,
                        end: datetime | None) -> dict[str, Any]:
        tickets = self._rows(
            f"SELECT count(*)::int AS n FROM tickets_view WHERE "
            f"{self._where(unit_id, start, end, 'status <> %(cancelled)s')}",
            {"unit": unit_id, "start": start, "end": end, "cancelled": "cancelled"})[0]["n"]
        lifts = self._rows("SELECT count(*)::int AS n FROM lifts_view WHERE in_service AND "
                           "(%(unit)s::text IS NULL OR unit_id = %(unit)s)",
                           {"unit": unit_id})[0]["n"]
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
            f"SELECT * FROM tickets_view WHERE {self._where(unit_id, None, None, extra)} "
            "ORDER BY notified_at ASC NULLS FIRST, received_at, ticket_id LIMIT %(limit)s",
            {"unit": unit_id, "start": None, "end": None, "open": list(OPEN), "limit": limit})

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
        extra = "released_at IS NOT NULL AND cause_root IS NULL AND status <> 'cancelled'"
        return self._rows(
            "SELECT ticket_id, ticket_no, registration_code, unit_id, released_at "
            f"FROM tickets_view WHERE {self._where(unit_id, None, None, extra)} "
            "ORDER BY released_at", {"unit": unit_id, "start": None, "end": None})
