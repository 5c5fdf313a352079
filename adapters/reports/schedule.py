"""The dispatcher role's monthly schedule: once a month has ended (from the 1st, city time),
the previous month's reports are made and stored — the city's full and public editions and
each maintenance unit's own — unless already stored (a restart or a second dispatcher never
makes them twice; a dispatcher down on the 1st catches up when it starts)."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from psycopg_pool import ConnectionPool

from adapters.postgres.monthly_reports import MonthlyReportStore
from adapters.projection_runtime.supervisor import by_name, position
from adapters.reports.generate import ReportMaker, ReportRequest
from adapters.reports.monthly import next_month
from adapters.runtime.settings import Settings

log = structlog.get_logger(__name__)
BY = "schedule"
START_DELAY_SECONDS = 60


class MonthlySchedule:
    def __init__(self, pool: ConnectionPool, settings: Settings):
        self.pool, self.settings = pool, settings
        self.store = MonthlyReportStore(pool)

    def due(self, now: datetime) -> list[ReportRequest]:
        """The previous month's reports not yet stored."""
        month = next_month(now.astimezone(ZoneInfo(self.settings.timezone)).strftime("%Y-%m"),
                           -1)
        with self.pool.connection() as conn:
            units = [row[0] for row in conn.execute(
                "SELECT unit_id FROM units_view ORDER BY unit_id")]
        wanted = [ReportRequest(month, None, public=False), ReportRequest(month, None, True),
                  *(ReportRequest(month, unit, public=False) for unit in units)]
        return [ask for ask in wanted if not self.store.has(
            ask.month, ask.unit_id, "public" if ask.public else "full")]

    def views_behind(self) -> list[str]:
        """Views not at the head of their log: a report stored from them would be short."""
        with self.pool.connection() as conn:
            heads = {name: position(conn, by_name(name))
                     for name in ("tickets_view", "registry_view")}
        return [name for name, (tracked, newest) in heads.items() if tracked < newest]

    def run_once(self, now: datetime) -> int:
        """Make and store what is due; returns how many reports were stored (none while the
        views are behind: the next round tries again)."""
        due = self.due(now)
        if due and (behind := self.views_behind()):
            log.info("monthly_reports_wait_for_views", views=behind, due=len(due))
            return 0
        maker, stored = ReportMaker(self.pool, self.settings), 0
        for ask in due:
            edition = "public" if ask.public else "full"
            if self.store.save(ask.month, ask.unit_id, edition, maker.pdf(ask), BY,
                               replace=False):
                stored += 1
                log.info("monthly_report_stored", month=ask.month, unit_id=ask.unit_id,
                         edition=edition)
        return stored

    def run(self, stop: threading.Event) -> None:
        """Check every `report_check_seconds`, the first a minute after the start (the views
        replay after an upgrade; the dispatcher's own start comes first); a failed round is
        logged as an error and the reports stay due, so the next round makes them."""
        if stop.wait(START_DELAY_SECONDS):
            return
        while not stop.is_set():
            try:
                self.run_once(datetime.now(ZoneInfo(self.settings.timezone)))
            except Exception:  # a failed round must never stop the dispatcher
                log.exception("monthly_reports_failed")
            stop.wait(self.settings.report_check_seconds)
