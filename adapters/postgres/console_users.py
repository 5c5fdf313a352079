"""Console users: people log in with a username and a password, stored as an argon2id hash."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg_pool import ConnectionPool

from adapters.postgres.tokens import ROLES, Principal

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")
MIN_PASSWORD, MAX_PASSWORD = 10, 256  # the upper bound keeps one hash from costing seconds
HASHER = PasswordHasher()  # argon2id, the library's RFC 9106 low-memory profile
# Unknown usernames are checked against this, so a miss costs what a wrong password costs.
_DUMMY_HASH = HASHER.hash("liftrescue: no such user")


class WrongPassword(ValueError):
    """The password given to prove who one is did not match."""


@dataclass(frozen=True)
class ConsoleUser:
    """A console user as listed (never the hash)."""

    username: str
    role: str
    unit_id: str | None
    created_at: object
    created_by: str
    disabled: bool

    @property
    def subject(self) -> str:
        return subject_of(self.username)


def subject_of(username: str) -> str:
    """Who a user is on events and logs."""
    return f"user:{username}"


def check_username(username: str) -> str:
    """The username, lowercased, or ValueError saying what a username may hold."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise ValueError("username: 2–40 characters of a–z, 0–9, '.', '_' or '-', starting with "
                         "a letter or digit (用户名格式不正确)")
    return name


def check_password(password: str) -> str:
    """The password unchanged, or ValueError saying why it is refused (never echoing it)."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters "
                         f"(密码至少 {MIN_PASSWORD} 位)")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"password: at most {MAX_PASSWORD} characters (密码过长)")
    if not password.strip():
        raise ValueError("password: must not be only spaces (密码不能全为空格)")
    return password


def _matches(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


class ConsoleUsers:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def create(self, *, username: str, password: str, role: str, created_by: str,
               unit_id: str | None = None,
               unit_known: Callable[[str], bool] | None = None) -> ConsoleUser:
        """A new enabled user; ValueError names the field that is wrong."""
        name = check_username(username)
        if role not in ROLES:
            raise ValueError(f"role: one of {', '.join(ROLES)}")
        unit_id = (unit_id or "").strip() or None
        if (role == "unit") != (unit_id is not None):
            raise ValueError("unit: a unit user needs a unit, and only a unit user may have one "
                             "(维保单位用户须指定单位)")
        if unit_id is not None and unit_known is not None and not unit_known(unit_id):
            raise ValueError(f"unit: no maintenance unit {unit_id!r} in the registry "
                             "(单位不存在)")
        hashed = HASHER.hash(check_password(password))
        with self.pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO console_users (username, password_hash, role, unit_id, created_by) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (username) DO NOTHING "
                "RETURNING created_at", (name, hashed, role, unit_id, created_by)).fetchone()
        if row is None:
            raise ValueError(f"username: {name!r} already exists (用户名已存在)")
        return ConsoleUser(name, role, unit_id, row[0], created_by, False)

    def known(self, username: str) -> bool:
        """Is there a user by this name (enabled or not)?"""
        with self.pool.connection() as conn:
            return conn.execute("SELECT 1 FROM console_users WHERE username = %s",
                                (username.strip().lower(),)).fetchone() is not None

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The principal of an enabled user whose password matches, else None."""
        name = username.strip().lower()
        with self.pool.connection() as conn:
            row = conn.execute("SELECT password_hash, role, unit_id FROM console_users "
                               "WHERE username = %s AND disabled_at IS NULL",
                               (name,)).fetchone()
        if row is None:
            _matches(_DUMMY_HASH, password)
            return None
        if not _matches(row[0], password):
            return None
        if HASHER.check_needs_rehash(row[0]):  # parameters raised since: upgrade on login
            self._store_hash(name, HASHER.hash(password), keep_sessions=True)
        return Principal(subject_of(name), row[1], row[2])

    def change_password(self, username: str, current: str, new: str,
                        keep_session_hash: str | None = None) -> None:
        """The user's own change: the current password must match; other sessions end.
        The new one is checked first, so WrongPassword alone means the current one failed."""
        check_password(new)
        if new == current:
            raise ValueError("new_password: must differ from the current one (新密码不能与旧密码相同)")
        if self.authenticate(username, current) is None:
            raise WrongPassword("current_password: does not match (当前密码不正确)")
        self._store_hash(username, HASHER.hash(new), keep_session_hash=keep_session_hash)

    def reset_password(self, username: str, new: str) -> None:
        """An admin's reset: every session of that user ends."""
        if not self._store_hash(username, HASHER.hash(check_password(new))):
            raise ValueError(f"username: no user {username!r} (用户不存在)")

    def disable(self, username: str) -> bool:
        """Disable a user and end their sessions at once; False if no enabled user by that name."""
        with self.pool.connection() as conn, conn.transaction():
            cur = conn.execute("UPDATE console_users SET disabled_at = now() "
                               "WHERE username = %s AND disabled_at IS NULL", (username,))
            conn.execute("DELETE FROM console_sessions WHERE username = %s", (username,))
        return cur.rowcount == 1

    def users(self) -> list[ConsoleUser]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT username, role, unit_id, created_at, created_by, "
                                "disabled_at IS NOT NULL FROM console_users "
                                "ORDER BY username").fetchall()
        return [ConsoleUser(*row) for row in rows]

    def _store_hash(self, username: str, hashed: str, keep_sessions: bool = False,
                    keep_session_hash: str | None = None) -> bool:
        with self.pool.connection() as conn, conn.transaction():
            cur = conn.execute("UPDATE console_users SET password_hash = %s, "
                               "password_changed_at = now() WHERE username = %s",
                               (hashed, username))
            if not keep_sessions:  # a changed password ends the sessions made with the old one
                conn.execute("DELETE FROM console_sessions WHERE username = %s "
                             "AND session_hash IS DISTINCT FROM %s",
                             (username, keep_session_hash))
        return cur.rowcount == 1
