"""`liftrescue pii purge --older-than 180d`: crypto-shred old personal data (events stay)."""

import argparse
import re
import sys
from datetime import timedelta

from adapters.bootstrap import bootstrap
from adapters.postgres.personal_data import PersonalDataStore
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings

PERIOD = re.compile(r"^(\d+)([dh])$")
UNITS = {"d": "days", "h": "hours"}


def period(text: str) -> timedelta:
    """`180d` or `12h`; anything else is refused with the form it takes."""
    match = PERIOD.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--older-than {text!r}: give a positive number of days or hours, "
                         "e.g. 180d or 12h")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def purge(store: PersonalDataStore, older_than: str) -> int:
    """Shred what was stored longer ago than the period; how many values were shredded."""
    return store.purge(period(older_than))


def run(args: argparse.Namespace, settings: Settings) -> None:
    try:
        period(args.older_than)  # refuse bad input before opening anything
    except ValueError as exc:
        print(f"liftrescue pii purge: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    services = bootstrap(settings, database_url_for(settings))
    try:
        count = purge(services.personal_data, args.older_than)
    finally:
        services.close()
    print(f"purged {count} personal value(s) stored more than {args.older_than} ago; "
          "events and statistics are unchanged (their numbers now show masked)")


def register(sub: argparse._SubParsersAction) -> None:
    pii = sub.add_parser("pii", help="personal data (phone numbers): retention")
    actions = pii.add_subparsers(dest="action", required=True)
    purge_cmd = actions.add_parser(
        "purge", help="crypto-shred personal data older than a period (README: retention)")
    purge_cmd.add_argument("--older-than", required=True, help="e.g. 180d (days) or 12h")
    pii.set_defaults(run=run)
