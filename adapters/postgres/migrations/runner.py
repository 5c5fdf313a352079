"""Apply the numbered migrations beside this file, in order, each in its own transaction.

`schema_migrations` records every version applied; a database that records a version this
release does not know was migrated by a newer release and is refused. After the migrations,
every view whose shape version grew is reset to replay its log (views.py).
"""

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
import structlog

from adapters.postgres.migrations import views
from adapters.postgres.schema_lock import schema_lock

log = structlog.get_logger(__name__)
HERE = Path(__file__).parent
FILE = re.compile(r"^(\d{4})_(\w+)\.(sql|py)$")
LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def apply(self, conn: psycopg.Connection, audit_key: bytes) -> None:
        if self.path.suffix == ".sql":
            conn.execute(self.path.read_text())  # no parameters: several statements at once
            return
        spec = importlib.util.spec_from_file_location(f"migration_{self.version}", self.path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.apply(conn, audit_key)


def known() -> list[Migration]:
    """Every migration of this release, by version."""
    found = [Migration(int(m[1]), m[2], path) for path in HERE.iterdir()
             if (m := FILE.match(path.name))]
    return sorted(found, key=lambda migration: migration.version)


def applied(conn: psycopg.Connection) -> set[int]:
    """Versions recorded in the database (none before the ledger exists)."""
    if conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS present"
                    ).fetchone()["present"]:
        return {row["version"] for row in conn.execute("SELECT version FROM schema_migrations")}
    return set()


def pending(conn: psycopg.Connection) -> list[Migration]:
    """Migrations of this release the database has not had; refuses a newer database."""
    done, ours = applied(conn), known()
    newer = sorted(done - {m.version for m in ours})
    if newer:
        raise RuntimeError(f"the database has schema version(s) {newer} that this release does "
                           f"not know (newest here: {ours[-1].version}): it was migrated by a "
                           "newer LiftRescue; run that release")
    return [m for m in ours if m.version not in done]


def migrate(conn: psycopg.Connection, audit_key: bytes) -> list[str]:
    """Apply what is pending, then replay views whose shape grew; what was done (names).

    `conn` (autocommit, dict rows) must hold the schema lock (adapters/postgres/schema_lock.py).
    """
    conn.execute(LEDGER)
    done = []
    for migration in pending(conn):
        with conn.transaction():
            migration.apply(conn, audit_key)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                         (migration.version, migration.name))
        log.info("migration_applied", version=migration.version, name=migration.name)
        done.append(f"{migration.version:04d}_{migration.name}")
    return done + [f"replay {name}" for name in views.replay_outdated(conn)]


def migrate_database(url: str, audit_key: bytes) -> list[str]:
    """`migrate` under the schema lock, on a connection of its own (`liftrescue migrate`)."""
    with schema_lock(url) as conn:
        return migrate(conn, audit_key)
