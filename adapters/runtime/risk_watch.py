"""The risk check the dispatcher role runs on a timer: lifts entering the risk list are texted
to their unit's emergency lead, once (the list's state is kept in risk_warnings)."""

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import structlog

from adapters.postgres.risk_lifts import RiskLifts

if TYPE_CHECKING:
    from adapters.bootstrap import Services

log = structlog.get_logger(__name__)


def warning_text(row: dict[str, Any], days: int) -> str:
    """The SMS: the lift, where, how often, and the shared cause; no person is named."""
    cause = row["shared_cause"]
    shared = f"，其中 {cause['tickets']} 次同为“{cause['name']}”" if cause else ""
    return (f"【电梯风险预警】电梯 {row['registration_code']}（{row['address'] or '地址未登记'}）"
            f"近 {days} 天困人 {row['tickets']} 次{shared}，请尽快排查隐患。")


class RiskWatch:
    """Checks every `settings.risk_check_seconds`; `run_once` is the check itself."""

    def __init__(self, services: "Services", clock=time.monotonic):
        self.services, self.clock, self.next_at = services, clock, 0.0
        self.risk = RiskLifts(services.pool)

    def tick(self) -> int:
        """Run the check when it is due; a failure is logged loudly and retried next period."""
        if self.clock() < self.next_at:
            return 0
        self.next_at = self.clock() + self.services.settings.risk_check_seconds
        try:
            return self.run_once()
        except Exception:  # the dispatcher must keep dispatching: logged, retried next period
            log.exception("risk_check_failed")
            return 0

    def run_once(self, now: datetime | None = None) -> int:
        """Update the list; text each lift that entered it. Returns how many were texted."""
        with self.risk.exclusive() as mine:
            return self._check(now) if mine else 0

    def _check(self, now: datetime | None) -> int:
        settings = self.services.settings
        days, min_tickets = settings.risk_days, settings.risk_min_tickets
        entered = self.risk.enter(self.risk.lifts(days, min_tickets, None,
                                                  now or datetime.now(UTC)))
        texted = 0
        for row in entered:
            lead = self.services.dispatcher.unit_lead(row["unit_id"])
            # One key per entry (to the microsecond): a lift that left and came back is news.
            key = f"risk:{row['registration_code']}:{row['entered_at']:%Y%m%dT%H%M%S.%f}"
            if lead is None:
                log.error("risk_warning_unsent", lift=row["registration_code"],
                          unit_id=row["unit_id"], reason="no emergency lead to text")
                continue
            self.services.sms.send(key, f"lift:{row['registration_code']}", [lead],
                                   warning_text(row, days))
            self.risk.warned(row["registration_code"], key)
            texted += 1
        if entered:
            log.info("risk_lifts_entered", lifts=[r["registration_code"] for r in entered])
        return texted
