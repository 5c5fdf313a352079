"""Idempotency-Key records: the first response to a key is stored and replayed."""

from dataclasses import dataclass

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

CLAIM = """INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (%s, %s, %s)
           ON CONFLICT (scope, key) DO NOTHING"""
FETCH = """SELECT request_hash, status, headers, body FROM idempotency_keys
           WHERE scope = %s AND key = %s"""
FINISH = """UPDATE idempotency_keys SET status = %s, headers = %s, body = %s
            WHERE scope = %s AND key = %s"""
RELEASE = "DELETE FROM idempotency_keys WHERE scope = %s AND key = %s AND status IS NULL"


@dataclass(frozen=True)
class Claim:
    """Outcome of claiming a key: new, a stored response, or a conflict."""

    new: bool
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes | None = None
    conflict: str | None = None


class IdempotencyStore:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def claim(self, scope: str, key: str, request_hash: str) -> Claim:
        with self.pool.connection() as conn:
            if conn.execute(CLAIM, (scope, key, request_hash)).rowcount == 1:
                return Claim(new=True)
            row = conn.execute(FETCH, (scope, key)).fetchone()
        if row is None:  # released between our insert and select: treat as new next time
            return Claim(new=False, conflict="request with this key is being retried; try again")
        stored_hash, status, headers, body = row
        if stored_hash != request_hash:
            return Claim(new=False, conflict="Idempotency-Key was used with a different request")
        if status is None:
            return Claim(new=False, conflict="a request with this Idempotency-Key is in progress")
        return Claim(new=False, status=status, headers=headers, body=bytes(body))

    def finish(self, scope: str, key: str, status: int, headers: dict[str, str],
               body: bytes) -> None:
        with self.pool.connection() as conn:
            conn.execute(FINISH, (status, Jsonb(headers), body, scope, key))

    def release(self, scope: str, key: str) -> None:
        """Forget an unfinished claim so the client may retry (after a 5xx)."""
        with self.pool.connection() as conn:
            conn.execute(RELEASE, (scope, key))
