"""`liftrescue bench`: start a private PostgreSQL database and API, measure, print, save JSON."""

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import psutil
import psycopg

from adapters.runtime.broker import free_port
from bench import http as http_bench

CLIENTS = 16


def _database(admin_url: str | None) -> str:
    from adapters.runtime.embedded import ensure_database, start_postgres
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if admin_url is None:
        admin_url = start_postgres(Path(tempfile.gettempdir()) / "liftrescue-bench", "postgres")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    ensure_database(admin_url, name)
    params = conninfo_to_dict(admin_url) | {"dbname": name}
    return make_conninfo(**params)


class ApiProcess:
    """The API as production runs it (`liftrescue serve api`), in a child process."""

    def __init__(self, database_url: str, workers: int):
        self.port = free_port()
        env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url,
                            "LIFTRESCUE_PORT": str(self.port), "LIFTRESCUE_LOG_LEVEL": "WARNING",
                            "LIFTRESCUE_API_WORKERS": str(workers)}
        self.proc = subprocess.Popen([sys.executable, "-m", "adapters.cli", "serve", "api"],
                                     env=env, stdout=subprocess.DEVNULL)
        self.peak_rss = 0
        self._sampling = threading.Event()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("API did not start")

    def rss_bytes(self) -> int:
        parent = psutil.Process(self.proc.pid)
        return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])

    def sample_rss(self) -> None:
        def loop() -> None:
            while not self._sampling.wait(0.2):
                self.peak_rss = max(self.peak_rss, self.rss_bytes())
        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self._sampling.set()
        self.proc.terminate()
        self.proc.wait(timeout=30)


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


def _services(database_url: str):  # noqa: ANN202
    from adapters.bootstrap import bootstrap
    from adapters.runtime.settings import Settings

    return bootstrap(Settings(database_url=database_url, db_pool_size=8), database_url)


def _http(quick: bool, workers: int, say) -> dict[str, Any]:  # noqa: ANN001
    seconds = 4.0 if quick else 20.0
    database_url = _database(os.environ.get("LIFTRESCUE_DATABASE_URL"))
    token = _operator_token(database_url)
    api = ApiProcess(database_url, workers)
    try:
        api.wait_ready()
        api.sample_rss()
        say("HTTP: raw inserts, alarm intake, lifecycles")
        raw = http_bench.raw_inserts(database_url, CLIENTS, seconds)
        intake = http_bench.alarm_intake("127.0.0.1", api.port, CLIENTS, seconds, token)
        life = http_bench.lifecycles("127.0.0.1", api.port, CLIENTS, seconds, token)
        peak_rss_mb = api.peak_rss / 2**20
    finally:
        api.stop()
    return {"raw": raw.summary(), "intake": intake.summary(), "lifecycle": life.summary(),
            "peak_rss_mb": round(peak_rss_mb, 1)}


def _projections(quick: bool, say) -> dict[str, Any]:  # noqa: ANN001
    from bench import projections

    services = _services(_database(os.environ.get("LIFTRESCUE_DATABASE_URL")))
    try:
        say("projections: lag at 500 alarms/s, then rebuild")
        lag = projections.projection_lag(services, 500, 4 if quick else 10)
        rebuild = projections.rebuild_rate(services)
    finally:
        services.close()
    return {"lag": lag, "rebuild": rebuild}


def _kafka(quick: bool, say) -> dict[str, Any]:  # noqa: ANN001
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


def figures(http: dict, proj: dict, kafka: dict) -> list[dict[str, Any]]:
    """The table: each figure beside its anchor from the same run, the ratio and the goal."""
    raw, intake, life = http["raw"], http["intake"], http["lifecycle"]

    def row(name, value, unit, anchor=None, anchor_name="", goal="", met=None):  # noqa: ANN001
        ratio = round(value / anchor, 3) if anchor else None
        return {"figure": name, "value": value, "unit": unit, "anchor": anchor,
                "anchor_name": anchor_name, "ratio": ratio, "goal": goal, "met": met}

    intake_ratio = intake["per_second"] / raw["per_second"] if raw["per_second"] else 0
    lag, rebuild = proj["lag"], proj["rebuild"]
    return [
        row("HTTP alarm intake (16 clients)", intake["per_second"], "alarms/s",
            raw["per_second"], "raw psycopg insert/s", ">= 50% of raw", intake_ratio >= 0.5),
        row("HTTP alarm intake p50", intake["p50_ms"], "ms", raw["p50_ms"], "raw p50 ms"),
        row("HTTP alarm intake p99", intake["p99_ms"], "ms", raw["p99_ms"], "raw p99 ms",
            "<= 50 ms", intake["p99_ms"] <= 50),
        row("ticket lifecycle (6 commands)", life["per_second"], "tickets/s",
            raw["per_second"] / 6, "raw inserts/s ÷ 6"),
        row("projection lag p50 at 500 alarms/s", lag["lag_p50_ms"], "ms"),
        row("projection lag p99 at 500 alarms/s", lag["lag_p99_ms"], "ms", None, "",
            "<= 100 ms", lag["lag_p99_ms"] is not None and lag["lag_p99_ms"] <= 100),
        row("rebuild tickets_view", rebuild["events_per_second"], "events/s",
            rebuild["raw_read_per_second"], "raw sequential read/s", ">= 20,000/s",
            rebuild["events_per_second"] >= 20_000),
        row("Kafka relay", kafka["relay_per_second"], "msgs/s", kafka["raw_per_second"],
            "raw kafka-python producer/s", ">= 70% of raw", kafka["ratio"] >= 0.7),
        row("Kafka intake", kafka["intake_per_second"], "alarms/s", None, "", ">= 1,000/s",
            kafka["intake_per_second"] >= 1000),
        row("API peak RSS under load", http["peak_rss_mb"], "MB", None, "", "<= 300 MB",
            http["peak_rss_mb"] <= 300),
    ]


def run(quick: bool, out: Path, workers: int, say=print) -> dict[str, Any]:  # noqa: ANN001
    started = time.monotonic()
    http = _http(quick, workers, say)
    proj = _projections(quick, say)
    kafka = _kafka(quick, say)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": quick,
        "clients": CLIENTS, "api_workers": workers, "machine": machine(),
        "seconds": round(time.monotonic() - started, 1),
        "figures": figures(http, proj, kafka),
        "details": {"http": http, "projections": proj, "kafka": kafka},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def table(report: dict[str, Any]) -> str:
    """The figures as a Markdown table (printed, and pasted into docs/BENCHMARKS.md)."""
    lines = ["| figure | value | anchor (same run) | ratio | goal | met |",
             "|---|---:|---|---:|---|---|"]
    for f in report["figures"]:
        anchor = f"{f['anchor']:,.1f} {f['anchor_name']}" if f["anchor"] else ""
        ratio = "" if f["ratio"] is None else (
            f"{f['ratio']:.1f}×" if f["unit"] == "ms" else f"{f['ratio']:.1%}")
        met = "" if f["met"] is None else ("yes" if f["met"] else "**no**")
        lines.append(f"| {f['figure']} | {f['value']:,} {f['unit']} | {anchor} | {ratio} "
                     f"| {f['goal']} | {met} |")
    m = report["machine"]
    lines.append(f"\n{m['cpus']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, "
                 f"{m['platform']}; API workers: {report['api_workers']}; "
                 f"{'quick' if report['quick'] else 'full'} run in {report['seconds']} s")
    return "\n".join(lines)


def print_table(report: dict[str, Any]) -> None:
    print(table(report))
