"""`liftrescue audit verify [--checkpoint FILE]`, `liftrescue ticket history ID [--as-of T]`."""

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from adapters.bootstrap import bootstrap
from adapters.http.presenters import event_public, ticket_public
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings


def run_verify(args: argparse.Namespace, settings: Settings) -> None:
    """DB-only check, plus (--checkpoint FILE) a recompute from genesis against each checkpoint."""
    services = bootstrap(settings, database_url_for(settings))
    try:
        result = services.audit.verify()
        answer = result.public()
        if args.checkpoint:
            try:
                lines = Path(args.checkpoint).read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise SystemExit(f"cannot read checkpoint file {args.checkpoint}: {error}")
            against, checked = services.audit.verify_checkpoints(lines)
            result.merge(against)
            answer = result.public() | {"checkpoints_checked": checked}
    finally:
        services.close()
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    if not result.ok:
        for problem in result.problems:
            print(f"{problem['application']} #{problem['notification_id']} "
                  f"{problem['originator_id'] or '-'} v{problem['version'] or '-'}: "
                  f"{problem['problem']}", file=sys.stderr)
        sys.exit(1)


def run_history(args: argparse.Namespace, settings: Settings) -> None:
    services = bootstrap(settings, database_url_for(settings))
    try:
        app = services.tickets
        ticket_id = UUID(args.ticket_id)
        events = app.history(ticket_id)
        if args.as_of:
            when = datetime.fromisoformat(args.as_of)
            events = [e for e in events if e.timestamp <= when]
            ticket = app.ticket_as_of(ticket_id, when)
        else:
            ticket = app.ticket(ticket_id)
    finally:
        services.close()
    city = ZoneInfo(settings.timezone)  # people read the city's clock, as on the console
    for e in map(event_public, events):
        print(f"v{e.version:<3} {e.type:<20} occurred {e.occurred_at.astimezone(city).isoformat()}"
              f"  recorded {e.recorded_at.astimezone(city).isoformat()}  by {e.actor}")
    state = ticket_public(ticket)
    print(f"\nstate at v{state.version}: {state.status}, level {state.level}, "
          f"minutes to arrive {state.minutes_to_arrive}")


def register(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="tamper check over the stored events")
    audit_actions = audit.add_subparsers(dest="action", required=True)
    verify = audit_actions.add_parser(
        "verify", help="check every stored event against the keyed chain; exit 1 on a problem")
    verify.add_argument("--checkpoint", metavar="FILE",
                        help="also recompute from genesis and compare with these signed "
                             "checkpoints (JSON lines, as the audit-chain role writes them)")
    audit.set_defaults(run=run_verify)
    ticket = sub.add_parser("ticket", help="one ticket's history")
    ticket_actions = ticket.add_subparsers(dest="action", required=True)
    history = ticket_actions.add_parser("history", help="events and state, optionally as of T")
    history.add_argument("ticket_id")
    history.add_argument("--as-of", help="record time, RFC 3339 with offset")
    ticket.set_defaults(run=run_history)
