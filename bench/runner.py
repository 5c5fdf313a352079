"""`liftrescue bench`: start a private PostgreSQL database and API, measure, print, save JSON."""

import json
import os
import platform
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psutil

from bench import http as http_bench
from bench import wrk
from bench.figures import figures, table
from bench.processes import Server

CLIENTS = 16
# wrk's alarms use their own lift: the lifecycles' alarms (another source) must not link to them.
WRK_LIFT = "44030000000000054321"


def _database(admin_url: str | None) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from adapters.runtime.embedded import ensure_database, start_postgres

    if admin_url is None:
        admin_url = start_postgres(Path(tempfile.gettempdir()) / "liftrescue-bench", "postgres")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    ensure_database(admin_url, name)
    params = conninfo_to_dict(admin_url) | {"dbname": name}
    return make_conninfo(**params)


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine()}


def _operator_token(database_url: str) -> str:
    from adapters.bootstrap import bootstrap
    from adapters.runtime.settings import Settings

    services = bootstrap(Settings(database_url=database_url), database_url)
    try:
        return services.tokens.create(role="operator", name="bench")[0]
    finally:
        services.close()


def _services(database_url: str):
    from adapters.bootstrap import bootstrap
    from adapters.runtime.settings import Settings

    return bootstrap(Settings(database_url=database_url, db_pool_size=8), database_url)


def _http(quick: bool, workers: int, say) -> dict[str, Any]:
    """Raw inserts, the floor app and the API, each driven by wrk (16 connections) in turn."""
    seconds = 4.0 if quick else 20.0
    database_url = _database(os.environ.get("LIFTRESCUE_DATABASE_URL"))
    token = _operator_token(database_url)
    say("HTTP: raw inserts, floor app, alarm intake (wrk), lifecycles")
    raw = http_bench.raw_inserts(database_url, CLIENTS, seconds)
    floor = Server.floor(_database(os.environ.get("LIFTRESCUE_DATABASE_URL")))
    try:
        floor.wait_ready()
        floor_run = wrk.alarms(floor.port, seconds, CLIENTS, server_pid=floor.pid,
                               lift=WRK_LIFT)
    finally:
        floor.stop()
    api = Server.api(database_url, workers)
    try:
        api.wait_ready()
        api.sample_rss()
        intake = wrk.alarms(api.port, seconds, CLIENTS, token, server_pid=api.pid,
                            lift=WRK_LIFT)
        life = http_bench.lifecycles("127.0.0.1", api.port, CLIENTS, seconds, token)
        peak_rss_mb = api.peak_rss / 2**20
    finally:
        api.stop()
    for name, run in (("floor", floor_run), ("API", intake)):
        say(f"  {name}: {run['per_second']:,} alarms/s, p99 {run['p99_ms']} ms, "
            f"{run['server_cpu_ms_per_op']} ms CPU/alarm, wrk {run['client_cpu_share']:.0%} "
            f"of the CPUs, {run['errors']} errors")
    return {"raw": raw.summary(), "floor": floor_run, "intake": intake,
            "lifecycle": life.summary(), "peak_rss_mb": round(peak_rss_mb, 1)}


def _dispatch(quick: bool, say) -> dict[str, Any]:
    from bench import dispatch_bench

    services = _services(_database(os.environ.get("LIFTRESCUE_DATABASE_URL")))
    services.settings = services.settings.model_copy(
        update={"monthly_reports": False, "dispatcher_poll_seconds": 0.1})
    try:
        say("dispatcher: drain a backlog, then receipt → notified at a paced rate")
        return dispatch_bench.measure(services, 200 if quick else 2_000, 20 if quick else 80,
                                      5 if quick else 60, say)
    finally:
        services.close()


def _projections(quick: bool, say) -> dict[str, Any]:
    from bench import projections

    services = _services(_database(os.environ.get("LIFTRESCUE_DATABASE_URL")))
    try:
        say("projections: lag at 500 alarms/s, then rebuild")
        lag = projections.projection_lag(services, 500, 4 if quick else 10)
        rebuild = projections.rebuild_rate(services)
    finally:
        services.close()
    return {"lag": lag, "rebuild": rebuild}


def _kafka(quick: bool, say) -> dict[str, Any]:
    from adapters.runtime.broker import start_broker
    from bench import kafka_bench

    database_url = _database(os.environ.get("LIFTRESCUE_DATABASE_URL"))
    bootstrap = os.environ.get("LIFTRESCUE_KAFKA_BOOTSTRAP")
    broker = None
    if not bootstrap:
        broker = start_broker(Path(tempfile.gettempdir()) / "liftrescue-bench-tansu.log")
        bootstrap = broker.bootstrap
    try:
        say("Kafka: relay vs raw producer, intake")
        return kafka_bench.measure(database_url, bootstrap, 2_000 if quick else 10_000,
                                   2_000 if quick else 10_000, 1 if quick else 3,
                                   say=lambda line: say("  " + line))
    finally:
        if broker is not None:
            broker.stop()


def run(quick: bool, out: Path, workers: int, say=print) -> dict[str, Any]:
    started = time.monotonic()
    http = _http(quick, workers, say)
    proj = _projections(quick, say)
    kafka = _kafka(quick, say)
    dispatch = _dispatch(quick, say)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": quick,
        "clients": CLIENTS, "api_workers": workers, "machine": machine(),
        "seconds": round(time.monotonic() - started, 1),
        "figures": figures(http, proj, kafka, dispatch),
        "details": {"http": http, "projections": proj, "kafka": kafka, "dispatch": dispatch},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def print_table(report: dict[str, Any]) -> None:
    print(table(report))
