"""Reads a monthly analysis report needs beyond the statistics of TicketQueries: minutes to
arrive per ticket, and per-unit on-time figures (same windows, same overtime rule)."""

from datetime import datetime
from typing import Any

from adapters.postgres.arrival_limit_sql import limit_params
from adapters.postgres.ticket_queries import REASON, TicketQueries

# Notified → arrived, for tickets the rescuer reached (the overtime clock without its fallbacks).
TO_ARRIVE = "extract(epoch FROM arrived_at - maint_notified_at) / 60"


class ReportQueries(TicketQueries):
    def arrival_minutes(self, unit_id: str | None, start: datetime,
                        end: datetime) -> list[float]:
        """Minutes from the maintenance side's notification to arrival, one per ticket."""
        extra = ("status <> 'cancelled' AND arrived_at IS NOT NULL AND "
                 "maint_notified_at IS NOT NULL")
        rows = self._rows(f"SELECT round(({TO_ARRIVE})::numeric, 2)::float AS m FROM "
                          f"tickets_view WHERE {self._where(unit_id, start, end, extra)} "
                          "ORDER BY 1", {"unit": unit_id, "start": start, "end": end})
        return [r["m"] for r in rows]

    def unit_figures(self, unit_id: str | None, start: datetime,
                     end: datetime) -> list[dict[str, Any]]:
        """Per maintenance unit: tickets, tickets notified to the maintenance side, overtime."""
        where = self._where(unit_id, start, end, "status <> 'cancelled'", table="t.")
        return self._rows(
            "SELECT t.unit_id, coalesce(max(u.name), max(t.unit_name)) AS unit_name, "
            "count(*)::int AS tickets, "
            "count(*) FILTER (WHERE maint_notified_at IS NOT NULL)::int AS notified, "
            f"count(*) FILTER (WHERE ({REASON}) IS NOT NULL)::int AS overtime "
            f"FROM tickets_view t LEFT JOIN units_view u ON u.unit_id = t.unit_id WHERE {where} "
            "GROUP BY t.unit_id ORDER BY t.unit_id",
            {"unit": unit_id, "start": start, "end": end, **limit_params(self.limits)})

    def unit_name(self, unit_id: str) -> str | None:
        """The unit's registered name ('' if it has none); None for an unknown unit."""
        rows = self._rows("SELECT coalesce(name, '') AS name FROM units_view "
                          "WHERE unit_id = %(unit)s", {"unit": unit_id})
        return rows[0]["name"] if rows else None
