"""`liftrescue upstream reconcile --day D`: the day's upstream record count and checksum.

The checksum is the one a receiver can compute from what it consumed (docs/KAFKA.md
"Reconciliation"): SHA-256 over the sorted `record_id:record_version` lines of the ticket records
whose business day (receipt, in the platform's time zone) is D.
"""

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from datetime import date

from psycopg_pool import ConnectionPool

from adapters.bootstrap import bootstrap
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings

DAY_RECORDS = ("SELECT record_id, record_version FROM upstream_records "
               "WHERE record_type = 'ticket' AND business_day = %s")


def checksum(pairs: Iterable[tuple[str, int]]) -> str:
    """SHA-256 (hex) of "record_id:record_version\\n" for each pair, sorted by (id, version)."""
    digest = hashlib.sha256()
    for record_id, version in sorted(set(pairs)):
        digest.update(f"{record_id}:{version}\n".encode())
    return digest.hexdigest()


def reconcile(pool: ConnectionPool, day: date, city_code: str) -> dict:
    """What the broker acknowledged for `day`: record versions, their count and checksum."""
    with pool.connection() as conn:
        pairs = [(r[0], int(r[1])) for r in conn.execute(DAY_RECORDS, (day,)).fetchall()]
    return {"city_code": city_code, "day": day.isoformat(), "records": len(set(pairs)),
            "checksum": checksum(pairs)}


def run(args: argparse.Namespace, settings: Settings) -> None:
    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        print(f"liftrescue upstream reconcile: --day {args.day!r}: 日期格式应为 YYYY-MM-DD "
              "(give the day as YYYY-MM-DD)", file=sys.stderr)
        raise SystemExit(2) from None
    services = bootstrap(settings, database_url_for(settings))
    try:
        result = reconcile(services.pool, day, settings.city_code)
    finally:
        services.close()
    print(json.dumps(result, ensure_ascii=False))


def register(sub: argparse._SubParsersAction) -> None:
    upstream = sub.add_parser("upstream", help="upstream records (数据归集): reconciliation")
    actions = upstream.add_subparsers(dest="action", required=True)
    cmd = actions.add_parser("reconcile", help="a day's record count and checksum (docs/KAFKA.md)")
    cmd.add_argument("--day", required=True, help="business day YYYY-MM-DD (platform time zone)")
    upstream.set_defaults(run=run)
