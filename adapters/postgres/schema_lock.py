"""One process at a time migrates the schema: concurrent DDL collides in PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import DictRow, dict_row

KEY = "liftrescue_bootstrap"
WAIT_SECONDS = 60


@contextmanager
def schema_lock(url: str) -> Iterator[psycopg.Connection[DictRow]]:
    """Hold a session advisory lock for the block; fail loudly if it is not ours within a minute.

    Yields the locked (autocommit, dict-row) connection: migrations run on it. When several
    roles start together on a fresh database, PostgreSQL answers "tuple concurrently updated"
    or a duplicate pg_type row to all but one concurrent CREATE TABLE, and that role would die.
    """
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        conn.execute(f"SET lock_timeout = '{WAIT_SECONDS}s'")
        try:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (KEY,))
        except psycopg.errors.LockNotAvailable:
            raise RuntimeError(f"another LiftRescue process has been migrating the schema for "
                               f"over {WAIT_SECONDS} s (advisory lock {KEY!r}); is one stuck at "
                               "start?") from None
        try:
            yield conn
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (KEY,))
