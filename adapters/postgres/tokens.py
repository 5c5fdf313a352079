"""Bearer tokens: only their SHA-256 is stored; the token itself is shown once at creation."""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from psycopg_pool import ConnectionPool

ROLES = ("admin", "operator", "unit", "auditor")
CACHE_SECONDS = 5.0  # a revoked token stops working within this


@dataclass(frozen=True)
class Principal:
    """Who is calling: subject (recorded on events), role, and the unit a unit token is bound to."""

    subject: str
    role: str
    unit_id: str | None = None
    token_id: UUID | None = None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def create(self, *, role: str, name: str, unit_id: str | None = None,
               unit_known: Callable[[str], bool] | None = None) -> tuple[str, Principal]:
        """Issue a token; returns the plain token (never stored) and its principal.

        `unit_known` checks a unit token's unit against the registry: a token for a unit that
        does not exist would see nothing and look like a working, empty account."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if (role == "unit") != (unit_id is not None):
            raise ValueError("a unit token needs --unit, and only a unit token may have one")
        if unit_id is not None and unit_known is not None and not unit_known(unit_id):
            raise ValueError(f"no maintenance unit {unit_id!r} in the registry "
                             "(register it first; GET /v1/units lists the ids)")
        token, token_id = f"lr_{secrets.token_urlsafe(32)}", uuid4()
        principal = Principal(f"{role}:{name}", role, unit_id, token_id)
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO api_tokens (id, token_hash, subject, role, unit_id) "
                         "VALUES (%s, %s, %s, %s, %s)",
                         (token_id, digest(token), principal.subject, role, unit_id))
        return token, principal

    def revoke(self, token_id: UUID) -> bool:
        with self.pool.connection() as conn:
            cur = conn.execute("UPDATE api_tokens SET revoked_at = now() "
                               "WHERE id = %s AND revoked_at IS NULL", (token_id,))
        self._cache.clear()
        return cur.rowcount == 1

    def list(self) -> list[dict]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT id, subject, role, unit_id, created_at, revoked_at "
                                "FROM api_tokens ORDER BY created_at").fetchall()
        keys = ("id", "subject", "role", "unit_id", "created_at", "revoked_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def cached(self, token: str) -> tuple[bool, Principal | None]:
        """(found, principal) from the short-lived cache alone: no I/O, safe on the event loop."""
        with self._lock:
            hit = self._cache.get(digest(token))
        if hit and hit[0] > time.monotonic():
            return True, hit[1]
        return False, None

    def revoked(self, token: str) -> bool:
        """Whether this token was issued and later revoked (says why a 401 refused it)."""
        with self.pool.connection() as conn:
            return conn.execute("SELECT 1 FROM api_tokens WHERE token_hash = %s "
                                "AND revoked_at IS NOT NULL", (digest(token),)).fetchone() is not None

    def verify(self, token: str) -> Principal | None:
        """The principal for a valid, unrevoked token (cached briefly), else None."""
        found, principal = self.cached(token)
        if found:
            return principal
        key, now = digest(token), time.monotonic()
        with self.pool.connection() as conn:
            row = conn.execute("SELECT id, subject, role, unit_id FROM api_tokens "
                               "WHERE token_hash = %s AND revoked_at IS NULL", (key,)).fetchone()
        principal = Principal(row[1], row[2], row[3], row[0]) if row else None
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (now + CACHE_SECONDS, principal)
        return principal
