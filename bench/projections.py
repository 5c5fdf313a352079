"""Projection lag while alarms arrive at a fixed rate, and rebuild speed vs a raw read."""

import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import psycopg

from adapters.bootstrap import Services
from adapters.projection_runtime.supervisor import by_name

LIFT = "44030000000000000001"


def _drive(services: Services, rate: float, seconds: float, sent: list[tuple[int, float]],
           threads: int = 4) -> None:
    """Open alarms at `rate` per second in total (paced), recording (notification id, time)."""
    from dispatch.commands import Context, ReceiveAlarm

    ctx, lock = Context("bench", "bench"), threading.Lock()
    per_thread_interval = threads / rate
    stop_at = time.monotonic() + seconds

    def loop(worker: int) -> None:
        next_at, i = time.monotonic(), 0
        while next_at < stop_at:
            time.sleep(max(0.0, next_at - time.monotonic()))
            outcome = services.tickets.receive_alarm(ReceiveAlarm(
                lift=LIFT, source="iot", source_ref=f"p{worker}-{i}", dispatch="external"), ctx)
            with lock:
                sent.append((outcome.notification_id, time.monotonic()))
            next_at += per_thread_interval
            i += 1

    workers = [threading.Thread(target=loop, args=(w,)) for w in range(threads)]
    [w.start() for w in workers]
    [w.join() for w in workers]


def projection_lag(services: Services, rate: float, seconds: float) -> dict[str, Any]:
    """p50/p99 ms from an alarm's commit to tickets_view having processed it."""
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": services.database_url,
                        "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    worker = subprocess.Popen([sys.executable, "-m", "adapters.cli", "serve", "projections"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    sent: list[tuple[int, float]] = []
    seen: dict[int, float] = {}
    done = threading.Event()
    view = by_name("tickets_view")

    def poll() -> None:
        with psycopg.connect(services.database_url, autocommit=True) as conn:
            while not done.is_set():
                row = conn.execute(f"SELECT max(notification_id) FROM {view.tracking_table} "
                                   "WHERE application_name = 'tickets'").fetchone()
                seen[row[0] or 0] = time.monotonic()
                time.sleep(0.002)

    poller = threading.Thread(target=poll)
    poller.start()
    _drive(services, rate, seconds, sent)
    time.sleep(2)
    done.set()
    poller.join()
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    positions = sorted(seen.items())
    lags = []
    for notification_id, at in sent:
        visible = next((t for pos, t in positions if pos >= notification_id), None)
        if visible is not None:
            lags.append((visible - at) * 1000)
    lags.sort()
    pct = lambda q: round(lags[min(len(lags) - 1, int(q * len(lags)))], 1) if lags else None
    achieved = len(sent) / seconds
    return {"name": "projection lag (tickets_view)", "alarms": len(sent),
            "alarms_per_second": round(achieved, 1), "lag_p50_ms": pct(0.5),
            "lag_p99_ms": pct(0.99), "unprocessed": len(sent) - len(lags)}


def rebuild_rate(services: Services) -> dict[str, Any]:
    """tickets_view rebuild events/s beside a raw sequential read of the same table."""
    from adapters.projection_runtime.rebuild import rebuild

    started = time.perf_counter()
    with psycopg.connect(services.database_url) as conn, conn.cursor(name="raw") as cur:
        cur.itersize = 5000
        cur.execute("SELECT * FROM tickets_events ORDER BY notification_id")
        raw_count = sum(1 for _ in cur)
    raw_seconds = time.perf_counter() - started
    started = time.perf_counter()
    count = rebuild(services, by_name("tickets_view"), lambda n: None)
    seconds = time.perf_counter() - started
    return {"name": "rebuild tickets_view", "events": count,
            "events_per_second": round(count / seconds), "raw_read_per_second":
            round(raw_count / raw_seconds), "ratio": round((count / seconds) /
                                                           (raw_count / raw_seconds), 3)}
