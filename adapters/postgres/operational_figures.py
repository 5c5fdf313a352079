"""Figures every role leaves in PostgreSQL, read when the API's `/metrics` is scraped.

Roles run as separate processes; only the API serves HTTP. So what an operator must see of the
relay, the intake and the SMS outbox is read here, each by a query that stays cheap as the store
grows: an index's maximum, a partial index over rare rows, or a table of a few rows.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field

import psycopg
import structlog
from psycopg_pool import ConnectionPool

log = structlog.get_logger(__name__)

# The table and indexes: migrations/0005_metrics_figures.sql.
ADD = """INSERT INTO intake_dead_letters AS d (category, count, last_at) VALUES (%s, %s, now())
    ON CONFLICT (category) DO UPDATE SET count = d.count + EXCLUDED.count, last_at = now()"""
# Accepted by the HTTP gateway, no receipt yet: the outbox's depth (it has no unsent queue:
# a row is written once the gateway answered). A day back, so the index bounds the rows read.
AWAITING_RECEIPT = """SELECT count(*) FROM sms_outbox o
    WHERE o.created_at > now() - interval '1 day' AND o.gateway = 'http'
      AND o.status = 'accepted'
      AND NOT EXISTS (SELECT 1 FROM sms_receipts s WHERE s.key = o.key)"""


@dataclass
class Figures:
    relays: list[tuple[str, int, float]] = field(default_factory=list)  # name, position, age
    dead_letters: dict[str, int] = field(default_factory=dict)
    sms_failed: int = 0
    sms_awaiting_receipt: int = 0
    sms_receipts_failed: int = 0


def read(conn: psycopg.Connection) -> Figures:
    """Every shared figure, one round trip each."""
    figures = Figures()
    figures.relays = [(name, int(position), float(age or 0)) for name, position, age in
                      conn.execute("SELECT name, position, extract(epoch FROM now() - "
                                   "updated_at) FROM kafka_relay_positions ORDER BY name")]
    figures.dead_letters = {category: int(count) for category, count in
                            conn.execute("SELECT category, count FROM intake_dead_letters")}
    figures.sms_failed = _one(conn, "SELECT count(*) FROM sms_outbox WHERE status = 'failed'")
    figures.sms_awaiting_receipt = _one(conn, AWAITING_RECEIPT)
    figures.sms_receipts_failed = _one(conn, "SELECT count(*) FROM sms_receipts "
                                             "WHERE status = 'failed'")
    return figures


def _one(conn: psycopg.Connection, query: str) -> int:
    row = conn.execute(query).fetchone()  # type: ignore[arg-type]
    return int(row[0] or 0) if row else 0


class DeadLetterTally:
    """Dead letters of the current poll, added to `intake_dead_letters` once the DLQ has them."""

    def __init__(self, pool: ConnectionPool):
        self.pool = pool
        self._pending: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, category: str) -> None:
        with self._lock:
            self._pending[category] += 1

    def discard(self) -> None:
        """The poll was not committed: its messages come again and are counted then."""
        with self._lock:
            self._pending.clear()

    def flush(self) -> None:
        """Record the pending counts; a database failure is logged, never stops the intake."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return
        try:
            with self.pool.connection() as conn, conn.transaction():
                for category, count in sorted(pending.items()):
                    conn.execute(ADD, (category, count))
        except Exception as exc:  # noqa: BLE001 - a lost count must not stop alarms coming in
            log.error("intake_dead_letter_count_lost", counts=dict(pending), error=repr(exc))
