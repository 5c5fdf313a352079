"""Console users in PostgreSQL: argon2id hashes, session expiry (idle and absolute), disable,
the failed-login limit shared by every worker, and `liftrescue users` on the command line."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from adapters.postgres.console_sessions import ConsoleSessions
from adapters.postgres.login_throttle import LoginThrottle
from adapters.postgres.tokens import digest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def _sql(database_url: str, statement: str, *params: object) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute(statement, params)


def test_only_an_argon2id_hash_is_stored_and_it_verifies(services, database_url):
    services.users.create(username="alice", password=PASSWORD, role="operator",
                          created_by="test")
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT password_hash FROM console_users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert services.users.authenticate("alice", PASSWORD).subject == "user:alice"
    assert services.users.authenticate("alice", PASSWORD + "x") is None
    assert services.users.authenticate("nobody", PASSWORD) is None


@pytest.mark.parametrize("field, kwargs", [
    ("username", {"username": "x"}),
    ("password", {"password": "short"}),
    ("role", {"role": "root"}),
    ("unit", {"role": "unit"}),
    ("unit", {"role": "operator", "unit_id": "u-1"}),
    ("unit", {"role": "unit", "unit_id": "u-unknown"}),
])
def test_bad_users_are_refused_naming_the_field(services, field, kwargs):
    given = {"username": "bob", "password": PASSWORD, "role": "operator", **kwargs}
    with pytest.raises(ValueError, match=f"^{field}:"):
        services.users.create(created_by="test", unit_known=lambda unit: False, **given)
    assert services.users.users() == []


def test_sessions_end_when_idle_or_too_old(services, database_url):
    services.users.create(username="carol", password=PASSWORD, role="auditor",
                          created_by="test")
    idle_one, old_one = (services.sessions.open_for_user("carol") for _ in range(2))
    assert services.sessions.principal(idle_one).subject == "user:carol"
    idle = timedelta(minutes=services.settings.session_idle_minutes)
    _sql(database_url, "UPDATE console_sessions SET last_seen_at = now() - %s - interval '1 s' "
         "WHERE session_hash = %s", idle, digest(idle_one))
    _sql(database_url, "UPDATE console_sessions SET expires_at = now() - interval '1 s' "
         "WHERE session_hash = %s", digest(old_one))
    assert services.sessions.principal(idle_one) is None
    assert services.sessions.principal(old_one) is None
    assert services.sessions.principal(services.sessions.open_for_user("carol")) is not None


def test_a_used_session_stays_alive_and_the_idle_time_is_a_setting(services, database_url):
    short = ConsoleSessions(services.pool, services.tokens, idle=timedelta(minutes=5))
    services.users.create(username="dora", password=PASSWORD, role="auditor", created_by="t")
    session = short.open_for_user("dora")
    _sql(database_url, "UPDATE console_sessions SET last_seen_at = now() - interval '4 min'")
    assert short.principal(session) is not None  # used: the clock restarts
    _sql(database_url, "UPDATE console_sessions SET last_seen_at = now() - interval '6 min' "
         "WHERE last_seen_at < now() - interval '3 min'")
    assert short.principal(session) is not None, "the use above was recorded"


def test_disable_ends_every_session_of_that_user_at_once(services):
    services.users.create(username="eve", password=PASSWORD, role="operator", created_by="t")
    sessions = [services.sessions.open_for_user("eve") for _ in range(2)]
    assert services.users.disable("eve") and not services.users.disable("eve")
    assert [services.sessions.principal(s) for s in sessions] == [None, None]
    assert services.users.authenticate("eve", PASSWORD) is None


def test_the_failure_limit_is_shared_by_workers_and_lifts_after_the_window(services,
                                                                           database_url):
    def worker() -> LoginThrottle:  # each API worker builds its own, on the same database
        return LoginThrottle(services.pool, per_user=3, per_client=10,
                             window=timedelta(minutes=15))

    first, second = worker(), worker()
    attempts = [(first if n % 2 else second).begin("frank", f"10.0.0.{n}") for n in range(3)]
    assert [a.user_failures for a in attempts] == [1, 2, 3]
    assert first.locked_after(attempts[-1])
    wait = second.begin("frank", "10.0.0.9")
    assert isinstance(wait, int) and 14 * 60 < wait <= 15 * 60
    _sql(database_url, "UPDATE console_login_failures SET failed_at = now() - interval '16 min'")
    assert not isinstance(first.begin("frank", "10.0.0.1"), int)


def test_the_address_limit_holds_across_usernames(services):
    throttle = LoginThrottle(services.pool, per_user=5, per_client=2,
                             window=timedelta(minutes=15))
    throttle.begin("a", "192.0.2.7")
    throttle.begin("b", "192.0.2.7")
    assert isinstance(throttle.begin("c", "192.0.2.7"), int)
    assert not isinstance(throttle.begin("c", "192.0.2.8"), int)


def _cli(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    return subprocess.run([sys.executable, "-m", "adapters.cli", "users", *args], cwd=ROOT,
                          env=env, input=stdin, capture_output=True, text=True, timeout=120,
                          check=False)


def test_users_cli_creates_the_first_admin_lists_and_disables(services, database_url):
    made = _cli(database_url, "create", "--username", "Root", "--role", "admin",
                "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert PASSWORD not in made.stdout + made.stderr
    assert services.users.authenticate("root", PASSWORD).role == "admin"
    unknown = _cli(database_url, "create", "--username", "u1", "--role", "unit", "--unit",
                   "no-such-unit", "--password-stdin", stdin=PASSWORD + "\n")
    assert unknown.returncode == 2 and "no maintenance unit 'no-such-unit'" in unknown.stderr
    listed = _cli(database_url, "list")
    assert "root" in listed.stdout and "active" in listed.stdout and "u1" not in listed.stdout
    assert _cli(database_url, "disable", "--username", "root").returncode == 0
    assert "disabled" in _cli(database_url, "list").stdout
