"""The process's own Prometheus metrics: request latency, alarms received, group-commit batches.

Figures shared by every process (view lag, relay lag, dead letters, SMS failures, events
appended) are read from PostgreSQL when `/metrics` is scraped (adapters/http/routes/metrics.py);
only what a process alone can see is counted here. Imports nothing of ours: anything may use it.
"""

import os
import tempfile
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    start_http_server,
)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "liftrescue_http_request_duration_seconds",
    "HTTP request latency by route template, method and status class",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))

ALARMS_RECEIVED = Counter(
    "liftrescue_alarms_received", "Alarms taken in, by channel and what became of them",
    ["via", "outcome"])

GROUP_COMMIT_BATCH = Histogram(
    "liftrescue_group_commit_batch_size", "Callers whose events one group commit saved together",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256))


def alarm_received(via: str, outcome: Any) -> None:
    """Count one alarm by its `Outcome`: a new ticket, linked to an open ticket, or a repeat."""
    # `linked` is read only if the outcome carries it (linked alarms attach to an open ticket).
    kind = ("linked" if getattr(outcome, "linked", False) else
            "created" if outcome.created else "duplicate")
    ALARMS_RECEIVED.labels(via=via, outcome=kind).inc()


def registry() -> CollectorRegistry:
    """This process's metrics, or every API worker's when they share a multiprocess folder."""
    if not os.environ.get(MULTIPROCESS_DIR):
        return REGISTRY
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
    return merged


def share_between_workers(workers: int) -> None:
    """Several API worker processes: each writes its figures where any of them can merge them.

    Must run before the workers start (they inherit the variable); a fresh folder per start, so
    figures of a previous run never leak in."""
    if workers > 1 and not os.environ.get(MULTIPROCESS_DIR):
        os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="liftrescue-metrics-")


def serve_role_metrics(port: int | None, host: str = "0.0.0.0") -> None:
    """A background role's own counters on `port` (LIFTRESCUE_METRICS_PORT); nothing if unset."""
    if port:
        start_http_server(port, addr=host)
