"""The stored monthly reports (table monthly_reports, migration 0017): PDF bytes per month,
unit ('' = city-wide) and edition."""

from dataclasses import dataclass
from datetime import datetime

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

CITY = ""  # unit_id of the city-wide report


@dataclass(frozen=True)
class StoredReport:
    month: str
    unit_id: str | None  # None = city-wide
    unit_name: str | None
    edition: str
    generated_at: datetime
    generated_by: str
    size: int


class MonthlyReportStore:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def save(self, month: str, unit_id: str | None, edition: str, pdf: bytes,
             generated_by: str, *, replace: bool = True) -> bool:
        """Store a report; an existing one is replaced unless `replace` is False (then the
        first one stays and False is returned: two schedulers never store twice)."""
        action = ("DO UPDATE SET pdf = EXCLUDED.pdf, generated_at = now(), "
                  "generated_by = EXCLUDED.generated_by") if replace else "DO NOTHING"
        with self.pool.connection() as conn:
            cur = conn.execute(
                "INSERT INTO monthly_reports (month, unit_id, edition, pdf, generated_by) "
                f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT (month, unit_id, edition) {action}",
                (month, unit_id or CITY, edition, pdf, generated_by))
            return cur.rowcount == 1

    def has(self, month: str, unit_id: str | None, edition: str) -> bool:
        with self.pool.connection() as conn:
            return conn.execute("SELECT 1 FROM monthly_reports WHERE month = %s AND "
                                "unit_id = %s AND edition = %s",
                                (month, unit_id or CITY, edition)).fetchone() is not None

    def pdf(self, month: str, unit_id: str | None, edition: str) -> bytes | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT pdf FROM monthly_reports WHERE month = %s AND "
                               "unit_id = %s AND edition = %s",
                               (month, unit_id or CITY, edition)).fetchone()
        return bytes(row[0]) if row else None

    def listing(self, unit_scope: str | None, limit: int = 500) -> list[StoredReport]:
        """Newest month first; a unit user sees only their own unit's reports (and no
        city-wide full edition, which names other units' internals)."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                "SELECT r.month, r.unit_id, u.name AS unit_name, r.edition, r.generated_at, "
                "r.generated_by, octet_length(r.pdf) AS size FROM monthly_reports r "
                "LEFT JOIN units_view u ON u.unit_id = r.unit_id AND r.unit_id <> '' "
                "WHERE %(unit)s::text IS NULL OR r.unit_id = %(unit)s "
                "ORDER BY r.month DESC, r.unit_id, r.edition LIMIT %(limit)s",
                {"unit": unit_scope, "limit": limit}).fetchall()
        return [StoredReport(**{**r, "unit_id": r["unit_id"] or None}) for r in rows]
