"""Idempotency-Key records: the first response to a caller's key is stored and replayed for
24 hours; an older record counts as absent and is purged."""

import threading
import time
from dataclasses import dataclass

import structlog
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

log = structlog.get_logger(__name__)
TTL = "24 hours"
PURGE_EVERY_SECONDS = 600.0
# A new key inserts; an expired one is taken over as if new; a live one is left alone.
CLAIM = f"""INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (%s, %s, %s)
           ON CONFLICT (scope, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status = NULL, headers = NULL,
               body = NULL, created_at = now()
           WHERE idempotency_keys.created_at <= now() - interval '{TTL}'"""
FETCH = f"""SELECT request_hash, status, headers, body FROM idempotency_keys
           WHERE scope = %s AND key = %s AND created_at > now() - interval '{TTL}'"""
FINISH = """UPDATE idempotency_keys SET status = %s, headers = %s, body = %s
            WHERE scope = %s AND key = %s"""
RELEASE = "DELETE FROM idempotency_keys WHERE scope = %s AND key = %s AND status IS NULL"
PURGE = f"DELETE FROM idempotency_keys WHERE created_at <= now() - interval '{TTL}'"


@dataclass(frozen=True)
class Claim:
    """Outcome of claiming a key: new, a stored response, or a conflict."""

    new: bool
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes | None = None
    conflict: str | None = None
    retry: bool = False  # the conflict is a request still in progress: try again shortly


class IdempotencyStore:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool
        self._next_purge = 0.0
        self._lock = threading.Lock()

    def claim(self, scope: str, key: str, request_hash: str) -> Claim:
        self._purge_now_and_then()
        with self.pool.connection() as conn:
            if conn.execute(CLAIM, (scope, key, request_hash)).rowcount == 1:
                return Claim(new=True)
            row = conn.execute(FETCH, (scope, key)).fetchone()
        if row is None:  # released or expired between our insert and select
            return Claim(new=False, conflict="request with this key is being retried; try again",
                         retry=True)
        stored_hash, status, headers, body = row
        if stored_hash != request_hash:
            return Claim(new=False, conflict="Idempotency-Key was used with a different request")
        if status is None:
            return Claim(new=False, conflict="a request with this Idempotency-Key is in progress",
                         retry=True)
        return Claim(new=False, status=status, headers=headers, body=bytes(body))

    def finish(self, scope: str, key: str, status: int, headers: dict[str, str],
               body: bytes) -> None:
        with self.pool.connection() as conn:
            conn.execute(FINISH, (status, Jsonb(headers), body, scope, key))

    def release(self, scope: str, key: str) -> None:
        """Forget an unfinished claim so the client may retry (after a 5xx)."""
        with self.pool.connection() as conn:
            conn.execute(RELEASE, (scope, key))

    def purge(self) -> int:
        """Delete records older than the replay window; returns how many went."""
        with self.pool.connection() as conn:
            purged = conn.execute(PURGE).rowcount
        if purged:
            log.info("idempotency_keys_purged", count=purged)
        return purged

    def _purge_now_and_then(self) -> None:
        # At most one purge per process every PURGE_EVERY_SECONDS, on the claim path.
        with self._lock:
            now = time.monotonic()
            if now < self._next_purge:
                return
            self._next_purge = now + PURGE_EVERY_SECONDS
        self.purge()
