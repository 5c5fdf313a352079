"""Runs the materialised views: one ProjectionRunner each, restarted when it stalls or dies.

LISTEN/NOTIFY can be lost (eventsourcing issue #305): a runner whose view lags the log without
moving for STALL_SECONDS is restarted, which re-subscribes from its tracking position. A view that keeps failing is never
silent: see adapters/view_readiness.py and docs/PROJECTIONS.md "When a view fails".
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
import structlog
from eventsourcing.projection import ProjectionRunner

from adapters.postgres import view_health
from adapters.postgres.schema_lock import schema_lock

log = structlog.get_logger(__name__)
CHECK_SECONDS = 1.0
STALL_SECONDS = 3.0
LOG_EVERY_SECONDS = 60.0  # error logs per view, at most one this often


@dataclass(frozen=True)
class View:
    name: str
    application_class: type
    projection_class: type
    view_class: type
    tracking_table: str
    events_table: str
    tables: tuple[str, ...] = ()
    batch_apply: Callable[..., None] | None = None  # set: follow the log in pages

    @property
    def application_name(self) -> str:
        return self.events_table.removesuffix("_events")


def runner_env(env: dict[str, str]) -> dict[str, str]:
    """A runner needs few connections: its app reads the log, its view writes rows."""
    return {**env, "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}


def position(conn: psycopg.Connection, view: View) -> tuple[int, int]:
    """(view's tracking position, newest notification id in its application's log)."""
    # Filtered by application: the table also holds eventsourcing's "__migration__" marker.
    tracked = conn.execute(f"SELECT max(notification_id) FROM {view.tracking_table} "
                           "WHERE application_name = %s", (view.application_name,)).fetchone()
    newest = conn.execute(f"SELECT max(notification_id) FROM {view.events_table}").fetchone()
    return (tracked[0] or 0) if tracked else 0, (newest[0] or 0) if newest else 0


def wait_for(pool, view: View, notification_id: int, timeout: float = 2.0) -> bool:  # noqa: ANN001
    """Block until the view has processed `notification_id` (True), or give up (False) at the
    timeout or at once when no such notification exists yet."""
    deadline = time.monotonic() + timeout
    while True:
        with pool.connection() as conn:
            tracked, newest = position(conn, view)
        if tracked >= notification_id:
            return True
        if newest < notification_id or time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def is_stalled(tracked: int, newest: int, unchanged_since: float, now: float) -> bool:
    """Behind the log with no progress for STALL_SECONDS (the clock restarts on any move)."""
    return tracked < newest and now - unchanged_since > STALL_SECONDS


class ViewStalled(Exception):
    """The runner was alive but made no progress while its view lagged the log."""


class RunnerExited(Exception):
    """The runner stopped without an error (nobody asked it to)."""


class Supervisor:
    """Keeps one runner per view alive until `stop` is set; every failure is counted in
    `view_health` and logged at error level at most once a minute per view."""

    def __init__(self, views: list[View], env: dict[str, str], database_url: str):
        self.views, self.env, self.database_url = views, runner_env(env), database_url
        self.runners: dict[str, Any] = {}
        self.progress: dict[str, tuple[int, float]] = {}
        self.failed_at: dict[str, int] = {}  # position where the view last failed
        self.logged_at: dict[str, float] = {}
        self.unlogged: dict[str, int] = {}

    def start(self, view: View) -> None:
        # Building a runner creates its applications' tables if missing: under the schema lock,
        # so it never collides with another process's start ("tuple concurrently updated").
        with schema_lock(self.database_url):
            runner = self._runner(view)
        self.runners[view.name] = runner.__enter__()
        self.progress[view.name] = (-1, time.monotonic())

    def _runner(self, view: View) -> Any:
        if view.batch_apply is not None:
            from adapters.projection_runtime.batch_follower import BatchRunner

            return BatchRunner(view.application_class, view.view_class, view.batch_apply,
                               self.env)
        return ProjectionRunner(application_class=view.application_class,
                                projection_class=view.projection_class,
                                view_class=view.view_class, env=self.env)

    def check(self, conn: psycopg.Connection, view: View) -> None:
        runner = self.runners.get(view.name)
        tracked, newest = position(conn, view)
        now = time.monotonic()
        last, _ = self.progress.get(view.name, (-1, now))
        if tracked != last or tracked >= newest:
            self.progress[view.name] = (tracked, now)  # moving or caught up: clock restarts
        dead = runner is None or runner.is_interrupted.is_set()
        stalled = is_stalled(tracked, newest, self.progress[view.name][1], now)
        # Healthy = alive and caught up, or past the event it last failed on.
        healthy = not (dead or stalled) and (
            tracked >= newest or tracked > self.failed_at.get(view.name, -1))
        view_health.observe(conn, view.name, tracked, newest, healthy=healthy)
        if healthy:
            self.failed_at.pop(view.name, None)
        if not (dead or stalled):
            return
        error = self._stop(view.name) if runner is not None else None
        if error is None and runner is not None:
            error = (ViewStalled(f"no progress for {STALL_SECONDS:.0f} s at {tracked}")
                     if stalled and not dead else RunnerExited("runner stopped"))
        started = self._start_logged(view)
        self._failed(conn, view, error or started, tracked, newest)

    def run(self, stop: threading.Event) -> None:
        try:
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                for view in self.views:
                    self._failed(conn, view, self._start_logged(view), *position(conn, view))
                while not stop.wait(CHECK_SECONDS):
                    for view in self.views:
                        self.check(conn, view)
        finally:
            for name in list(self.runners):
                if error := self._stop(name):  # died since the last check: say so once
                    log.error("view_stopped_with_error", view=name, error=view_health.describe(error),
                              exc_info=error)

    def _start_logged(self, view: View) -> Exception | None:
        """Start the view's runner; the error when it cannot even start."""
        try:
            self.start(view)
        except Exception as exc:  # noqa: BLE001 - counted as a failure, retried next check
            return exc
        return None

    def _failed(self, conn: psycopg.Connection, view: View, error: BaseException | None,
                tracked: int, newest: int) -> None:
        if error is None:
            return
        consecutive = view_health.record_failure(conn, view.name, view_health.describe(error))
        self.failed_at[view.name] = tracked
        fields = {"view": view.name, "position": tracked, "lag": newest - tracked,
                  "consecutive_failures": consecutive, "error": view_health.describe(error)}
        now = time.monotonic()
        benign = isinstance(error, ViewStalled) and consecutive == 1  # a lost NOTIFY
        if benign:
            log.warning("view_restarted", **fields)
        elif now - self.logged_at.get(view.name, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
            self.logged_at[view.name] = now
            log.error("view_failing", **fields, failures_not_logged=self.unlogged.pop(
                view.name, 0), exc_info=error if error.__traceback__ else None)
        else:  # already shouted this minute: count, restart, say it quietly
            self.unlogged[view.name] = self.unlogged.get(view.name, 0) + 1
            log.info("view_restarted", **fields)

    def _stop(self, name: str) -> BaseException | None:
        """Stop the runner; the error it died of, if any."""
        runner = self.runners.pop(name, None)
        if runner is None:
            return None
        try:
            runner.__exit__(None, None, None)  # stops, joins, closes its application
        except Exception as exc:  # noqa: BLE001 - a crashed runner re-raises its error here
            return exc
        finally:
            runner.view.datastore.close()
        return None


def catalogue() -> list[View]:
    """Every materialised view the `projections` role runs."""
    from adapters.postgres.views.deadlines import PostgresDeadlinesView
    from adapters.postgres.views.registry import PostgresRegistryView
    from adapters.postgres.views.tickets import PostgresTicketsView, apply_batch
    from dispatch.registry import RegistryApp
    from dispatch.tickets import TicketApp
    from projections.deadlines import DeadlinesProjection
    from projections.registry import RegistryProjection
    from projections.tickets import TicketsProjection

    return [View("registry_view", RegistryApp, RegistryProjection, PostgresRegistryView,
                 "registry_view_tracking", "registry_events",
                 ("units_view", "stations_view", "lifts_view")),
            View("deadlines", TicketApp, DeadlinesProjection, PostgresDeadlinesView,
                 "deadlines_tracking", "tickets_events", ("dispatch_deadlines",)),
            View("tickets_view", TicketApp, TicketsProjection, PostgresTicketsView,
                 "tickets_view_tracking", "tickets_events", ("tickets_view",),
                 batch_apply=apply_batch)]


def by_name(name: str) -> View:
    return next(v for v in catalogue() if v.name == name)
