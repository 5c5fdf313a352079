"""`liftrescue kafka consume`: the reference consumer from the command line."""

import argparse
import json

from adapters.kafka.reference_consumer import TicketTimes, records
from adapters.kafka.topics import require_bootstrap
from adapters.runtime.settings import Settings


def cmd_consume(args: argparse.Namespace, settings: Settings) -> None:
    """Print each new (deduplicated) event, then each ticket's node times when idle."""
    bootstrap = require_bootstrap(settings)
    state = TicketTimes()
    stream = records(bootstrap, args.topic or settings.kafka_events_topic,
                     idle_seconds=args.idle, follow=args.follow)
    for record in stream:
        ce_id = dict(record.headers)["ce_id"].decode()
        message = json.loads(record.value)
        if state.apply(ce_id, message):
            print(json.dumps({"ce_id": ce_id, "type": message["type"],
                              "occurred_at": message["occurred_at"]}), flush=True)
    print(json.dumps({"tickets": state.times, "events": len(state.seen),
                      "duplicates_skipped": state.duplicates}, ensure_ascii=False, indent=2))


def register(subparsers: argparse._SubParsersAction) -> None:
    kafka = subparsers.add_parser("kafka", help="Kafka tools (reference consumer)")
    sub = kafka.add_subparsers(dest="kafka_command", required=True)
    consume = sub.add_parser("consume", help="read ticket events, dedupe on ce_id, rebuild times")
    consume.add_argument("--from-beginning", action="store_true", default=True,
                         help="always on: the reference consumer rebuilds from offset 0")
    consume.add_argument("--topic", default=None)
    consume.add_argument("--idle", type=float, default=3.0,
                         help="stop after this many idle seconds")
    consume.add_argument("--follow", action="store_true", help="keep reading; never stop")
    consume.set_defaults(run=cmd_consume)
