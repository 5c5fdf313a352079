"""Console login sessions: a random cookie value, stored hashed, tied to an API token."""

import secrets
from datetime import timedelta

from psycopg_pool import ConnectionPool

from adapters.postgres.tokens import Principal, TokenStore, digest

LIFETIME = timedelta(hours=12)


class ConsoleSessions:
    def __init__(self, pool: ConnectionPool, tokens: TokenStore):
        self.pool, self.tokens = pool, tokens

    def open(self, token: str) -> str | None:
        """Exchange a valid API token for a session id (None if the token is not valid)."""
        principal = self.tokens.verify(token)
        if principal is None:
            return None
        session = secrets.token_urlsafe(32)
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO console_sessions VALUES (%s, %s, now() + %s)",
                         (digest(session), principal.token_id, LIFETIME))
        return session

    def principal(self, session: str) -> Principal | None:
        """The session's principal while neither the session expired nor its token was revoked."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT t.id, t.subject, t.role, t.unit_id FROM console_sessions s "
                "JOIN api_tokens t ON t.id = s.token_id "
                "WHERE s.session_hash = %s AND s.expires_at > now() AND t.revoked_at IS NULL",
                (digest(session),)).fetchone()
        return Principal(row[1], row[2], row[3], row[0]) if row else None

    def close(self, session: str) -> None:
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM console_sessions WHERE session_hash = %s", (digest(session),))
