"""`liftrescue load city`: the synthetic city's registry, day curve and power-cut burst,
driven through the real API or the Kafka intake (code in bench/city.py)."""

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta

from adapters.runtime.settings import Settings


def _token(args: argparse.Namespace, settings: Settings) -> str:
    token = args.token or os.environ.get("LIFTRESCUE_TOKEN")
    path = settings.state_dir / "admin-token"
    if not token and path.exists():
        token = path.read_text().strip()
    if not token:
        raise SystemExit("no token: pass --token, set LIFTRESCUE_TOKEN or run `liftrescue dev`")
    return token


def _registered(services, town) -> bool:
    """The city's last lift is on record already (a --quick run before this one)."""
    from dispatch.errors import NotFound

    try:
        services.registry.lift(town.lifts[-1].code)
    except NotFound:
        return False
    return True


def run(args: argparse.Namespace, settings: Settings) -> None:
    from bench import city as sim
    from bench import drivers

    if args.quick:  # issue 18 item 5's smoke test: a small city's power cut, 10× speed
        args.lifts, args.register, args.burst = min(args.lifts, 2_000), True, args.burst or 300
        args.burst_minutes, args.speed = min(args.burst_minutes, 1), args.speed or 10
    town = sim.City.generate(args.lifts, seed=args.seed)
    print(f"city: {len(town.lifts):,} lifts, {town.units} units, {town.stations} stations "
          f"(seed {args.seed})", flush=True)
    if args.register:
        from adapters.bootstrap import bootstrap
        from adapters.cli.import_csv import progress
        from adapters.runtime.embedded import database_url_for

        services = bootstrap(settings, database_url_for(settings))
        try:
            made = {} if args.quick and _registered(services, town) else sim.register(
                services, town, progress)
        finally:
            services.close()
        sys.stderr.write("\n")
        print(f"registered {made}", flush=True)
    batch: list[sim.Alarm] = []
    first_day = date.fromisoformat(args.date) if args.date else (
        datetime.now(sim.ZONE).date() - timedelta(days=args.days))
    for d in range(args.days):
        batch += sim.day_of_alarms(town, first_day + timedelta(days=d), seed=args.seed + d)
    if args.burst:
        # --quick repeats on the same city: new alarms each time (the city's seed stays)
        batch += sim.power_cut(town, datetime.now(UTC) - timedelta(minutes=args.burst_minutes),
                               args.burst, args.burst_minutes,
                               seed=int(time.time()) if args.quick else args.seed)
    if not batch:
        return
    driver = (drivers.KafkaDriver(args.bootstrap or settings.kafka_bootstrap or "127.0.0.1:9092",
                              settings.kafka_alarms_topic) if args.via == "kafka"
              else drivers.HttpDriver(args.base, _token(args, settings), args.clients))
    ledger = driver.send(batch, drivers.Ledger(), drivers.paced(args.speed))
    print(f"sent {ledger.sent}, acknowledged {len(ledger.acknowledged)}, "
          f"failed {len(ledger.failures)}, statuses {dict(sorted(ledger.statuses.items()))}")
    if args.via == "http" and args.wait > 0:  # Kafka acks carry no ticket id to follow
        from adapters.cli import load_city
        from adapters.runtime.embedded import database_url_for

        result = load_city.outcome(database_url_for(settings), ledger, args.wait)
        print(load_city.say(result), flush=True)
        if result["dispatched"] < result["stored"] or result["stored"] < result["tickets"]:
            sys.exit(1)
    if ledger.failures:
        sys.exit(1)


def register(sub: argparse._SubParsersAction) -> None:
    load = sub.add_parser("load", help="synthetic load: a city's registry, days and bursts")
    kinds = load.add_subparsers(dest="kind", required=True)
    city = kinds.add_parser("city", help="a synthetic city (Shenzhen-sized by default)")
    city.add_argument("--lifts", type=int, default=150_000)
    city.add_argument("--seed", type=int, default=7)
    city.add_argument("--register", action="store_true",
                      help="register units, stations and lifts first (import code path)")
    city.add_argument("--days", type=int, default=0, help="days of alarms (30–40 each)")
    city.add_argument("--date", help="first day (YYYY-MM-DD); default: DAYS days ago")
    city.add_argument("--burst", type=int, default=0, help="power cut: this many alarms")
    city.add_argument("--burst-minutes", type=float, default=10)
    city.add_argument("--speed", type=float, default=0,
                      help="replay speed vs real time (1440 = a day a minute; 0 = flat out)")
    city.add_argument("--via", choices=["http", "kafka"], default="http")
    city.add_argument("--base", default="http://127.0.0.1:8000")
    city.add_argument("--token")
    city.add_argument("--bootstrap", help="Kafka bootstrap (default: LIFTRESCUE_KAFKA_BOOTSTRAP)")
    city.add_argument("--clients", type=int, default=8)
    city.add_argument("--wait", type=float, default=120,
                      help="then wait up to this long for dispatch and report stored, "
                      "dispatched, SMS-queued counts and send → SMS p99 (0 = skip; HTTP only)")
    city.add_argument("--quick", action="store_true",
                      help="smoke test: 2,000 lifts registered, a 300-alarm power cut in 1 min "
                      "at 10× speed")
    city.set_defaults(run=run)
