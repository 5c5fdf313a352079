"""The `view_health` table: each view's failures and progress, shared by every process.

The supervisor (`serve projections`) writes failures and heartbeats; `/readyz`, `/metrics` and
the console (`serve api`, another process) read them. Every observer also records the position
it sees, so a view whose supervisor is gone still turns red once it stops following the log.
"""

import re
from typing import Any

import psycopg
from psycopg.rows import dict_row

from adapters.runtime.logging import mask_phones

SECRET = re.compile(r"(://[^:/@\s]*:)[^@\s]*@|(password\s*=\s*)\S+", re.IGNORECASE)
MAX_ERROR = 300


def describe(error: BaseException) -> str:
    """`Type: first line of the message`, without phone numbers, passwords or row details."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    text = SECRET.sub(lambda m: f"{m[1]}***@" if m[1] else f"{m[2]}***", text)
    return mask_phones(text)[:MAX_ERROR]


# The table is made by migration 0002 (adapters/postgres/migrations).
# behind_since: when an observer first saw the view behind the log at its current position.
# Cleared when it catches up, restarted when the position moves: so "now - behind_since" is
# how long the view has lagged without progress, whoever looked (supervisor or API).
OBSERVE = """INSERT INTO view_health AS h (view, position, newest, lag, behind_since)
    VALUES (%(view)s, %(position)s, %(newest)s, %(lag)s,
            CASE WHEN %(lag)s > 0 THEN now() END)
    ON CONFLICT (view) DO UPDATE SET
        behind_since = CASE WHEN EXCLUDED.lag <= 0 THEN NULL
                            WHEN h.position <> EXCLUDED.position OR h.behind_since IS NULL
                            THEN now() ELSE h.behind_since END,
        position = EXCLUDED.position, newest = EXCLUDED.newest, lag = EXCLUDED.lag,
        updated_at = now()"""

HEALTHY = """UPDATE view_health SET consecutive_failures = 0, last_ok_at = now()
    WHERE view = %(view)s"""

FAILED = """INSERT INTO view_health AS h (view, failures, consecutive_failures, last_error,
        last_error_at) VALUES (%(view)s, 1, 1, %(error)s, now())
    ON CONFLICT (view) DO UPDATE SET failures = h.failures + 1,
        consecutive_failures = h.consecutive_failures + 1, last_error = EXCLUDED.last_error,
        last_error_at = now(), updated_at = now()
    RETURNING consecutive_failures"""

READ = """SELECT view, failures, consecutive_failures, last_error, last_error_at, last_ok_at,
        position, newest, lag, behind_since, updated_at,
        extract(epoch FROM now() - behind_since) AS behind_seconds
    FROM view_health ORDER BY view"""


def observe(conn: psycopg.Connection, view: str, position: int, newest: int,
            healthy: bool = False) -> None:
    """Record the position seen now; `healthy` (runner alive and following) ends a failure run."""
    params = {"view": view, "position": position, "newest": newest, "lag": newest - position}
    with conn.transaction():
        conn.execute(OBSERVE, params)
        if healthy:
            conn.execute(HEALTHY, params)


def record_failure(conn: psycopg.Connection, view: str, error: str) -> int:
    """Count one failure of the view's runner; returns how many in a row."""
    with conn.transaction():
        row = conn.execute(FAILED, {"view": view, "error": error}).fetchone()
    return int(row[0]) if row else 1


def rows(conn: psycopg.Connection) -> dict[str, dict[str, Any]]:
    """Every view's row, by view name."""
    with conn.cursor(row_factory=dict_row) as cur:
        return {r["view"]: r for r in cur.execute(READ).fetchall()}
