"""Failed console logins, counted per username and per client address in PostgreSQL, so the
limit holds across API workers and restarts."""

import math
from dataclasses import dataclass
from datetime import timedelta

from psycopg_pool import ConnectionPool

COUNT = ("SELECT count(*), (SELECT failed_at FROM console_login_failures WHERE {col} = %(v)s "
         "AND failed_at > now() - %(window)s ORDER BY failed_at DESC OFFSET %(skip)s LIMIT 1) "
         "+ %(window)s - now() FROM console_login_failures "
         "WHERE {col} = %(v)s AND failed_at > now() - %(window)s")
CLIENT_LOCK_CLASS = 7302  # first key of the per-address advisory lock


@dataclass(frozen=True)
class Attempt:
    """A login attempt let through: its failure row is already counted until it succeeds."""

    failure_id: int
    user_failures: int


class LoginThrottle:
    def __init__(self, pool: ConnectionPool, *, per_user: int, per_client: int,
                 window: timedelta):
        self.pool, self.window = pool, window
        self.limits = {"username": per_user, "client": per_client}

    def begin(self, username: str, client: str) -> Attempt | int:
        """Count this attempt as a failure up front (parallel guesses see each other), or the
        seconds to wait if the username or the address is locked."""
        with self.pool.connection() as conn, conn.transaction():
            # One attempt per username at a time: the count below cannot be raced past.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('console_login:' || %s))",
                         (username,))
            # And one per address: a spray over many usernames at once cannot either. Always
            # taken second, in the two-key space (no collision with the username's key).
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                         (CLIENT_LOCK_CLASS, client))
            waits, counts = [], {}
            for col, value in (("username", username), ("client", client)):
                limit = self.limits[col]
                count, until = conn.execute(COUNT.format(col=col), {
                    "v": value, "window": self.window, "skip": limit - 1}).fetchone()
                counts[col] = count
                if count >= limit and until is not None:
                    waits.append(max(1, math.ceil(until.total_seconds())))
            if waits:
                return max(waits)
            failure_id = conn.execute(
                "INSERT INTO console_login_failures (username, client) VALUES (%s, %s) "
                "RETURNING id", (username, client)).fetchone()[0]
            conn.execute("DELETE FROM console_login_failures WHERE failed_at < now() - %s",
                         (self.window,))
        return Attempt(failure_id, counts["username"] + 1)

    def locked_after(self, attempt: Attempt) -> bool:
        """Did this (failed) attempt use up the username's allowance?"""
        return attempt.user_failures >= self.limits["username"]

    def wait_seconds(self, username: str) -> int:
        """Seconds until the username may try again."""
        with self.pool.connection() as conn:
            until = conn.execute(COUNT.format(col="username"), {
                "v": username, "window": self.window,
                "skip": self.limits["username"] - 1}).fetchone()[1]
        return max(1, math.ceil(until.total_seconds())) if until is not None else 1

    def forget(self, attempt: Attempt) -> None:
        """An attempt refused before any password was checked does not count."""
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM console_login_failures WHERE id = %s",
                         (attempt.failure_id,))

    def succeeded(self, username: str) -> None:
        """A right password: the username's failures are forgiven (the address's stay)."""
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM console_login_failures WHERE username = %s", (username,))
