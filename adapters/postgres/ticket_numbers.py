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


class PostgresTicketNumbers:
    """A number may be skipped (a failed save burns it) but is never given twice."""

    def __init__(self, pool: ConnectionPool, timezone: str):
        self.pool, self.zone = pool, ZoneInfo(timezone)

    def next_number(self, at: datetime) -> str:
        local = at.astimezone(self.zone)
        with self.pool.connection() as conn:
            row = conn.execute(NEXT, (local.date(),)).fetchone()
        assert row is not None
        return ticket_number(local, row[0])

    def next_numbers(self, at: datetime, count: int) -> list[str]:
        """`count` consecutive numbers in one round trip (bulk intake)."""
        local = at.astimezone(self.zone)
        with self.pool.connection() as conn:
            row = conn.execute(NEXT_MANY, (local.date(), count, count)).fetchone()
        assert row is not None
        return [ticket_number(local, n) for n in range(row[0] - count + 1, row[0] + 1)]
