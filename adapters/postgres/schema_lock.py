"""One starting process at a time creates tables: concurrent CREATE TABLE IF NOT EXISTS collide."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

# Not ensure_schema's transaction lock key: that one is taken on another connection while this
# session lock is held, and the same key would wait for itself.
KEY = "liftrescue_bootstrap"
WAIT_SECONDS = 60


@contextmanager
def schema_lock(url: str) -> Iterator[None]:
    """Hold a session advisory lock for the block; fail loudly if it is not ours within a minute.

    Every role creates the tables it needs at start; when several roles start together on a
    fresh database PostgreSQL answers "tuple concurrently updated" or a duplicate pg_type row to
    all but one, and that role dies at start.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET lock_timeout = '{WAIT_SECONDS}s'")
        try:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (KEY,))
        except psycopg.errors.LockNotAvailable:
            raise RuntimeError(f"another LiftRescue process has been creating tables for over "
                               f"{WAIT_SECONDS} s (advisory lock {KEY!r}); is one stuck at "
                               "start?") from None
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (KEY,))
