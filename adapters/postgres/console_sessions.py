"""Console login sessions: a random cookie value, stored hashed, tied to a user or a token."""

import secrets
from datetime import timedelta

from psycopg_pool import ConnectionPool

from adapters.postgres.console_users import subject_of
from adapters.postgres.tokens import Principal, TokenStore, digest

# A session is alive while unexpired (absolute), used within the idle time, and its owner is
# still allowed in: an unrevoked token or an enabled user.
PRINCIPAL = (
    "SELECT t.id, t.subject, t.role, t.unit_id FROM console_sessions s "
    "JOIN api_tokens t ON t.id = s.token_id AND t.revoked_at IS NULL "
    "WHERE s.session_hash = %(h)s AND s.expires_at > now() AND s.last_seen_at > now() - %(idle)s "
    "UNION ALL "
    "SELECT NULL, u.username, u.role, u.unit_id FROM console_sessions s "
    "JOIN console_users u ON u.username = s.username AND u.disabled_at IS NULL "
    "WHERE s.session_hash = %(h)s AND s.expires_at > now() AND s.last_seen_at > now() - %(idle)s")
TOUCH_EVERY = timedelta(minutes=1)  # one write a minute per session, not one per request


class ConsoleSessions:
    def __init__(self, pool: ConnectionPool, tokens: TokenStore, *,
                 idle: timedelta = timedelta(hours=2), lifetime: timedelta = timedelta(hours=12)):
        self.pool, self.tokens, self.idle, self.lifetime = pool, tokens, idle, lifetime

    def open(self, token: str) -> str | None:
        """Exchange a valid API token for a session id (None if the token is not valid)."""
        principal = self.tokens.verify(token)
        if principal is None:
            return None
        return self._insert("token_id", principal.token_id)

    def open_for_user(self, username: str) -> str:
        """A session for a user whose password was just checked."""
        return self._insert("username", username)

    def _insert(self, owner: str, value: object) -> str:
        session = secrets.token_urlsafe(32)
        with self.pool.connection() as conn:
            conn.execute(f"INSERT INTO console_sessions (session_hash, {owner}, expires_at) "
                         "VALUES (%s, %s, now() + %s)", (digest(session), value, self.lifetime))
        return session

    def principal(self, session: str) -> Principal | None:
        """The session's principal while it lives (see PRINCIPAL), else None."""
        key = digest(session)
        with self.pool.connection() as conn:
            row = conn.execute(PRINCIPAL, {"h": key, "idle": self.idle}).fetchone()
            if row is not None:
                conn.execute("UPDATE console_sessions SET last_seen_at = now() "
                             "WHERE session_hash = %s AND last_seen_at < now() - %s",
                             (key, TOUCH_EVERY))
        if row is None:
            return None
        if row[0] is None:
            return Principal(subject_of(row[1]), row[2], row[3])
        return Principal(row[1], row[2], row[3], row[0])

    def username(self, session: str) -> str | None:
        """The user a session belongs to (None for a token's session or no session)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT username FROM console_sessions WHERE session_hash = %s",
                               (digest(session),)).fetchone()
        return row[0] if row else None

    def close(self, session: str) -> None:
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM console_sessions WHERE session_hash = %s", (digest(session),))
