"""`liftrescue bench`: start a private PostgreSQL database and API, measure, print, save JSON."""

import json
import os
import platform
import socket
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

from bench import http as http_bench

CLIENTS = 16


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        self.port = _free_port()
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


def run(quick: bool, out: Path, workers: int) -> dict[str, Any]:
    seconds = 5.0 if quick else 20.0
    database_url = _database(os.environ.get("LIFTRESCUE_DATABASE_URL"))
    token = _operator_token(database_url)
    api = ApiProcess(database_url, workers)
    try:
        api.wait_ready()
        api.sample_rss()
        raw = http_bench.raw_inserts(database_url, CLIENTS, seconds)
        intake = http_bench.alarm_intake("127.0.0.1", api.port, CLIENTS, seconds, token)
        life = http_bench.lifecycles("127.0.0.1", api.port, CLIENTS, seconds, token)
        peak_rss_mb = api.peak_rss / 2**20
    finally:
        api.stop()
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": quick,
        "clients": CLIENTS, "api_workers": workers, "machine": machine(),
        "results": [raw.summary(), intake.summary(), life.summary()],
        "ratios": {"intake_vs_raw": round(intake.throughput / raw.throughput, 3),
                   "intake_p99_ms": round(intake.pct(0.99), 1),
                   "api_peak_rss_mb": round(peak_rss_mb, 1)},
        "goals": {"intake_vs_raw": ">= 0.5", "intake_p99_ms": "<= 50",
                  "api_peak_rss_mb": "<= 300"},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def print_table(report: dict[str, Any]) -> None:
    print(f"{'benchmark':<40}{'ops/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for row in report["results"]:
        print(f"{row['name']:<40}{row['per_second']:>10}{row['p50_ms']:>10}{row['p99_ms']:>10}"
              f"{row['errors']:>8}")
    print()
    for key, value in report["ratios"].items():
        print(f"{key:<40}{value:>10}   goal {report['goals'].get(key, '')}")
