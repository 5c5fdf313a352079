"""`liftrescue projections rebuild NAME|--all` and `liftrescue projections status`."""

import argparse
import sys
import time

from adapters.bootstrap import Services, bootstrap
from adapters.cli.import_csv import progress as bar
from adapters.postgres import view_health
from adapters.projection_runtime.rebuild import rebuild, status
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings
from adapters.projection_runtime.supervisor import by_name, catalogue


def run(args: argparse.Namespace, settings: Settings) -> None:
    services = bootstrap(settings, database_url_for(settings))
    try:
        if args.action == "status":
            print_status(services)
            return
        if not args.all and not args.name:
            sys.exit("name a view or pass --all")
        views = catalogue() if args.all else [by_name(args.name)]
        for view in views:
            total = status_of(services, view.name)
            started = time.perf_counter()
            count = rebuild(services, view, lambda n, t=total: bar(n, t))
            seconds = time.perf_counter() - started
            sys.stderr.write("\n")
            print(f"{view.name}: rebuilt from {count} events in {seconds:.2f} s "
                  f"({count / seconds if seconds else 0:,.0f} events/s)")
    finally:
        services.close()


def print_status(services: Services) -> None:
    """Position and lag of every view; under a view that failed, its failures and last error."""
    with services.pool.connection() as conn:
        health = view_health.rows(conn)
    print(f"{'view':<16}{'position':>10}{'newest':>10}{'lag':>8}")
    for row in status(services):
        print(f"{row['view']:<16}{row['position']:>10}{row['newest']:>10}{row['lag']:>8}")
        seen = health.get(row["view"])
        if seen and seen["failures"]:
            print(f"  ! {seen['failures']} failures ({seen['consecutive_failures']} in a row), "
                  f"last at {seen['last_error_at']:%Y-%m-%d %H:%M:%S %Z}: {seen['last_error']}")


def status_of(services, name: str) -> int:  # noqa: ANN001
    return next(r["newest"] for r in status(services) if r["view"] == name)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("projections", help="rebuild views or show their lag")
    actions = parser.add_subparsers(dest="action", required=True)
    again = actions.add_parser("rebuild", help="recompute a view from the first event")
    again.add_argument("name", nargs="?", choices=[v.name for v in catalogue()])
    again.add_argument("--all", action="store_true")
    actions.add_parser("status", help="position, newest event, lag, failures and last error "
                       "of every view")
    parser.set_defaults(run=run)
