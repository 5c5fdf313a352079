"""Risk warnings: lifts with repeated entrapments in a window, and lifts whose repeats share a
fault cause (the cause mapped to today's category, so old and new codes compare)."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from adapters.reference import FaultCauseTable

TICKETS = """
SELECT coalesce(t.registration_code, t.lift_code) AS registration_code,
       max(t.unit_id) AS unit_id, max(t.unit_name) AS unit_name, max(t.address) AS address,
       max(t.district) AS district, count(*)::int AS tickets,
       min(t.received_at) AS first_at, max(t.received_at) AS last_at,
       array_agg(coalesce(t.cause_root || '/' || t.cause_sub, '')) AS causes
FROM tickets_view t
WHERE t.status <> 'cancelled' AND t.received_at >= %(since)s
  AND (%(unit)s::text IS NULL OR t.unit_id = %(unit)s)
GROUP BY 1 HAVING count(*) >= 2 ORDER BY 6 DESC, 1"""


class RiskLifts:
    def __init__(self, pool: ConnectionPool, causes: FaultCauseTable | None = None):
        self.pool, self.causes = pool, causes or FaultCauseTable()

    def lifts(self, days: int, min_tickets: int, unit_id: str | None,
              now: datetime) -> list[dict[str, Any]]:
        """Lifts with ≥ min_tickets entrapments in the last `days` days, or whose repeats
        (≥ 2) share a cause category; each with its reasons."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(TICKETS, {"since": now - timedelta(days=days),
                                         "unit": unit_id}).fetchall()
        found = []
        for row in rows:
            shared = self._shared_cause(row.pop("causes"))
            reasons = (["repeated"] if row["tickets"] >= min_tickets else []) + (
                ["shared_cause"] if shared else [])
            if reasons:
                found.append({**row, "reasons": reasons, "shared_cause": shared})
        return found

    def _shared_cause(self, codes: list[str]) -> dict[str, Any] | None:
        """The cause category most of the lift's repeats share (≥ 2 of them), if any."""
        categories = Counter()
        for code in filter(None, codes):
            key, _ = self.causes.current(*code.split("/", 1))
            if key != "unknown":
                categories[key.split("/")[0]] += 1
        if not categories:
            return None
        category, count = categories.most_common(1)[0]
        if count < 2:
            return None
        return {"category": category, "name": self.causes.causes[category]["name"],
                "tickets": count}

    def enter(self, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Record the list as it stands: lifts on it whose lead was not texted yet are returned
        (new ones, and any a crash or a missing lead left unwarned); lifts that left it are
        forgotten."""
        codes = [row["registration_code"] for row in current]
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM risk_warnings WHERE NOT (registration_code = ANY(%s))",
                         (codes,))
            entered = []
            for row in current:
                cause = (row["shared_cause"] or {}).get("category")
                inserted = conn.execute(
                    "INSERT INTO risk_warnings (registration_code, unit_id, tickets, "
                    "shared_cause) VALUES (%s, %s, %s, %s) ON CONFLICT (registration_code) "
                    "DO UPDATE SET tickets = EXCLUDED.tickets, unit_id = EXCLUDED.unit_id, "
                    "shared_cause = EXCLUDED.shared_cause RETURNING entered_at, sms_key",
                    (row["registration_code"], row["unit_id"], row["tickets"], cause)).fetchone()
                if inserted[1] is None:  # the SMS key is set only once the text went out
                    entered.append({**row, "entered_at": inserted[0]})
        return entered

    @contextmanager
    def exclusive(self) -> Iterator[bool]:
        """True for the one process checking the list now (a transaction-scoped advisory lock,
        released when the check ends or its process dies): two dispatchers never text twice."""
        with self.pool.connection() as conn, conn.transaction():
            yield bool(conn.execute("SELECT pg_try_advisory_xact_lock(hashtext('risk_warnings'))"
                                    ).fetchone()[0])

    def warned(self, registration_code: str, sms_key: str) -> None:
        with self.pool.connection() as conn:
            conn.execute("UPDATE risk_warnings SET sms_key = %s WHERE registration_code = %s",
                         (sms_key, registration_code))

    def entered_at(self, codes: list[str]) -> dict[str, datetime]:
        """When each of these lifts entered the list (those on it)."""
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT registration_code, entered_at FROM risk_warnings "
                                "WHERE registration_code = ANY(%s)", (codes,)).fetchall()
        return {code: at for code, at in rows}
