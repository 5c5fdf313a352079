"""Human ticket numbers: a per-day counter in PostgreSQL (T20261122-000123)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from domain.values import ticket_number

NEXT = """INSERT INTO ticket_counters (day, last) VALUES (%s, 1)
          ON CONFLICT (day) DO UPDATE SET last = ticket_counters.last + 1
          RETURNING last"""
NEXT_MANY = """INSERT INTO ticket_counters (day, last) VALUES (%s, %s)
               ON CONFLICT (day) DO UPDATE SET last = ticket_counters.last + %s
               RETURNING last"""


# The counter's commit need not wait for the disk: a ticket that uses the number is saved
# later with a synchronous commit, and flushing its WAL flushes this earlier record too. A
# crash can only forget increments whose numbers no durable ticket carries. Without this, the
# counter row's lock is held across an fsync and serialises every alarm. The counter has its
# own small autocommit pool: one round trip per number (no BEGIN / COMMIT). It connects on the
# first number, so processes that never open tickets (workers, CLI tools) hold no connection.
COUNTER_CONNECTIONS = {"autocommit": True, "options": "-c synchronous_commit=off"}


class PostgresTicketNumbers:
    """A number may be skipped (a failed save burns it) but is never given twice."""

    def __init__(self, database_url: str, timezone: str, size: int = 4):
        self.zone = ZoneInfo(timezone)
        self.pool = ConnectionPool(database_url, min_size=1, max_size=size, open=False,
                                   kwargs=COUNTER_CONNECTIONS, name="ticket-numbers", timeout=10)

    def _connection(self):  # noqa: ANN202
        if self.pool.closed:
            self.pool.open()  # idempotent under the pool's lock
        return self.pool.connection()

    def close(self) -> None:
        self.pool.close()

    def next_number(self, at: datetime) -> str:
        local = at.astimezone(self.zone)
        with self._connection() as conn:
            row = conn.execute(NEXT, (local.date(),)).fetchone()
        assert row is not None
        return ticket_number(local, row[0])

    def next_numbers(self, at: datetime, count: int) -> list[str]:
        """`count` consecutive numbers in one round trip (bulk intake)."""
        local = at.astimezone(self.zone)
        with self._connection() as conn:
            row = conn.execute(NEXT_MANY, (local.date(), count, count)).fetchone()
        assert row is not None
        return [ticket_number(local, n) for n in range(row[0] - count + 1, row[0] + 1)]
