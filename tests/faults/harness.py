"""Fault-test harness: the API as a real process we can SIGKILL, views checked against a
fresh rebuild, and the counts every fault test prints."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from adapters.runtime.broker import free_port

ROOT = Path(__file__).resolve().parents[2]


def cli(database_url: str, *args: str, capture: bool = False,
        **extra_env: str) -> subprocess.Popen:
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR",
                        **extra_env}
    env.pop("LIFTRESCUE_KAFKA_BOOTSTRAP", None)
    return subprocess.Popen([sys.executable, "-m", "adapters.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


class ApiServer:
    """`liftrescue serve api` on a fixed loopback port, restartable after a kill."""

    def __init__(self, database_url: str):
        self.database_url, self.port = database_url, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ApiServer":
        self.proc = cli(self.database_url, "serve", "api", LIFTRESCUE_PORT=str(self.port))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.stderr.read() if self.proc.stderr else ""
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("API did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def stored_alarms(services) -> dict[str, int]:  # noqa: ANN001
    """ticket id → how many AlarmReceived events the store holds for it."""
    with services.pool.connection() as conn:
        rows = conn.execute("SELECT originator_id::text, count(*) FROM tickets_events "
                            "WHERE topic LIKE %s GROUP BY 1", ("%AlarmReceived%",)).fetchall()
    return {r[0]: r[1] for r in rows}


def catch_up_views(services, database_url: str, seconds: float = 90) -> None:  # noqa: ANN001
    """Run `serve projections` until every view has processed the whole log."""
    from adapters.projection_runtime.supervisor import catalogue, position

    worker = cli(database_url, "serve", "projections")
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with services.pool.connection() as conn:
                if all(t == n for t, n in (position(conn, v) for v in catalogue())):
                    return
            time.sleep(0.2)
        raise AssertionError("views did not catch up")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def view_equals_rebuild(services, database_url: str) -> int:  # noqa: ANN001
    """The live tickets_view equals one rebuilt from the store, row for row; returns rows."""
    from adapters.postgres.views.tickets import PostgresTicketsView

    view = PostgresTicketsView(services.tickets.recorder.datastore)
    live = view.snapshot()
    rebuild = cli(database_url, "projections", "rebuild", "tickets_view")
    _, err = rebuild.communicate(timeout=120)
    assert rebuild.returncode == 0, err
    assert view.snapshot() == live
    return len(live)


def report(capsys, name: str, **counts: int) -> None:  # noqa: ANN001
    """Print the counts to the terminal even when pytest captures output."""
    with capsys.disabled():
        print(f"\n[{name}] " + ", ".join(f"{k}={v}" for k, v in counts.items()))
