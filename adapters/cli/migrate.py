"""`liftrescue migrate`: bring the database schema to this release (docs/OPERATIONS.md)."""

import argparse

import psycopg
from psycopg.rows import dict_row

from adapters.postgres.migrations import runner
from adapters.runtime.audit_key import audit_key
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    migrate = sub.add_parser("migrate", help="apply pending schema migrations (roles also "
                                             "apply them at start)")
    migrate.add_argument("--status", action="store_true",
                         help="list applied and pending migrations; change nothing")
    migrate.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> None:
    url = database_url_for(settings)
    if args.status:
        _status(url)
        return
    try:
        done = runner.migrate_database(url, audit_key(settings))
    except RuntimeError as exc:  # a newer database, or another migrator stuck: say so, exit 1
        raise SystemExit(f"liftrescue migrate: {exc}") from None
    for name in done:
        view = name.removeprefix("replay ")
        print(f"view {view}: shape changed, its log is replayed by the projections role"
              if view != name else f"applied {name}", flush=True)
    newest = runner.known()[-1]
    print(("schema up to date" if not done else "schema migrated") +
          f" (version {newest.version:04d}_{newest.name})", flush=True)


def _status(url: str) -> None:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        done = runner.applied(conn)
    for migration in runner.known():
        state = "applied" if migration.version in done else "pending"
        print(f"{migration.version:04d}_{migration.name}  {state}")
