"""Is every view following its log, and the dispatcher its alarms? One verdict for /readyz,
/metrics and the console banner.

A view is not ready when its runner failed `view_failures_unready` times in a row (recorded by
the supervisor), or when it has lagged the log without moving for `view_stall_seconds` (seen by
any observer, so it holds even when no supervisor runs at all).
"""

import time
from dataclasses import dataclass
from typing import Any

import psycopg
import structlog

from adapters.postgres import view_health

log = structlog.get_logger(__name__)
BANNER_ROLES = ("admin", "operator")
describe = view_health.describe  # where the supervisor records it


@dataclass(frozen=True)
class ViewState:
    view: str
    position: int
    newest: int
    failures: int
    consecutive_failures: int
    last_error: str | None
    last_error_at: Any
    behind_seconds: float
    stalled: bool  # behind the log, not moving, past the threshold
    failing: bool  # its runner failed too many times in a row

    @property
    def lag(self) -> int:
        return max(self.newest - self.position, 0)

    @property
    def ok(self) -> bool:
        return not (self.stalled or self.failing)

    def problem(self) -> str:
        """`lag 12, 4 failures in a row, IntegrityError: ...` (what an operator needs)."""
        parts = [f"lag {self.lag}"]
        if self.stalled:
            parts.append(f"no progress for {self.behind_seconds:.0f} s")
        if self.consecutive_failures:
            parts.append(f"{self.consecutive_failures} failures in a row")
        if self.last_error and self.consecutive_failures:
            parts.append(self.last_error)
        return ", ".join(parts)

    def banner(self) -> str:
        return f"投影 {self.view} 停滞 / view {self.view} stalled: {self.problem()}"

    def public(self) -> dict[str, Any]:
        at = self.last_error_at
        return {"ok": self.ok, "position": self.position, "newest": self.newest,
                "lag": self.lag, "stalled": self.stalled, "failures": self.failures,
                "consecutive_failures": self.consecutive_failures,
                "last_error": self.last_error,
                "last_error_at": at.isoformat() if at is not None else None}


def assess(conn: psycopg.Connection, stall_seconds: float, failures_unready: int,
           views: list | None = None) -> list[ViewState]:
    """Observe every catalogued view's position now, then judge every view on record."""
    from adapters.projection_runtime.supervisor import catalogue, position

    for view in catalogue() if views is None else views:
        tracked, newest = position(conn, view)
        view_health.observe(conn, view.name, tracked, newest)
    states = []
    for name, row in view_health.rows(conn).items():
        lag = row["newest"] - row["position"]
        behind = float(row["behind_seconds"] or 0)
        states.append(ViewState(
            view=name, position=row["position"], newest=row["newest"],
            failures=row["failures"], consecutive_failures=row["consecutive_failures"],
            last_error=row["last_error"], last_error_at=row["last_error_at"],
            behind_seconds=behind, stalled=lag > 0 and behind > stall_seconds,
            failing=row["consecutive_failures"] >= failures_unready))
    return states


def assess_services(services: Any) -> list[ViewState]:
    """`assess` with the thresholds from Settings, on a pooled connection."""
    settings = services.settings
    with services.pool.connection(timeout=2) as conn:
        return assess(conn, settings.view_stall_seconds, settings.view_failures_unready)


@dataclass(frozen=True)
class DispatchBacklog:
    """Auto-dispatched alarms not notified yet, and how long the oldest has waited."""

    waiting: int
    oldest_seconds: float
    threshold: float

    @property
    def behind(self) -> bool:
        return self.waiting > 0 and self.oldest_seconds > self.threshold

    def problem(self) -> str:
        return (f"调度落后 / dispatcher behind: {self.waiting} alarms waiting, oldest "
                f"{self.oldest_seconds:.0f} s (> {self.threshold:.0f} s)")

    def public(self) -> dict[str, Any]:
        return {"ok": not self.behind, "waiting": self.waiting,
                "oldest_seconds": round(self.oldest_seconds, 1), "threshold": self.threshold,
                "problem": self.problem() if self.behind else None}


def dispatch_backlog(services: Any) -> DispatchBacklog:
    """The dispatcher's backlog as the deadlines view shows it (lag of that view: see views)."""
    waiting, oldest = services.deadlines.backlog()
    return DispatchBacklog(waiting, oldest, services.settings.dispatcher_behind_seconds)


class BehindWatch:
    """Logs an error while the dispatcher is behind (checked every `every` s) and once when it
    has caught up: the dispatcher role's own alarm, beside /readyz and the banner."""

    def __init__(self, services: Any, every: float = 10.0):
        self.services, self.every = services, every
        self._next, self._behind = 0.0, False

    def tick(self) -> None:
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.every
        try:
            backlog = dispatch_backlog(self.services)
        except Exception as exc:  # noqa: BLE001 - the next tick tries again; said now
            log.error("dispatcher_backlog_unknown", error=describe(exc))
            return
        if backlog.behind:
            log.error("dispatcher_behind", waiting=backlog.waiting,
                      oldest_seconds=round(backlog.oldest_seconds),
                      threshold=backlog.threshold)
        elif self._behind:
            log.info("dispatcher_caught_up", waiting=backlog.waiting)
        self._behind = backlog.behind


def view_alerts(request: Any, principal: Any) -> list[str]:
    """Banner lines for the console: stalled views and a dispatcher that is behind, shown to
    operators and admins only."""
    if principal is None or principal.role not in BANNER_ROLES:
        return []
    services = request.app.state.services
    try:
        states = assess_services(services)
        backlog = dispatch_backlog(services)
    except Exception as exc:  # noqa: BLE001 - the banner must say so rather than hide it
        return [f"投影状态无法读取 / view health unavailable: {describe(exc)}"]
    alerts = [state.banner() for state in states if not state.ok]
    return alerts + ([backlog.problem()] if backlog.behind else [])
