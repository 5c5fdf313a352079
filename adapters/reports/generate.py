"""One entry for every caller (API, CLI, console, schedule): a month's report for a unit or
the city, in an edition and a format, from the services' pool and settings."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from psycopg_pool import ConnectionPool

from adapters.postgres.lifts_in_service import lifts_in_service
from adapters.postgres.report_queries import ReportQueries
from adapters.reference import FaultCauseTable
from adapters.reports.monthly import MonthlyReports
from adapters.reports.render import to_html, to_pdf
from adapters.runtime.settings import Settings

Format = Literal["html", "pdf"]
LIFTS_SOURCE = ("月末在用电梯数（登记且未停用）lifts registered and in service at the "
                "month's end")


@dataclass(frozen=True)
class ReportRequest:
    month: str
    unit_id: str | None = None
    public: bool = False
    unit_name: str | None = None  # default: the registry view's


class ReportMaker:
    def __init__(self, pool: ConnectionPool, settings: Settings):
        self.settings = settings
        self.pool = pool
        self.queries = ReportQueries(pool, settings.timezone, settings.arrival_limits())
        self.reports = MonthlyReports(self.queries, FaultCauseTable(), settings.timezone,
                                      self._lifts, LIFTS_SOURCE)

    def _lifts(self, at: datetime, unit_id: str | None) -> int:
        with self.pool.connection() as conn:
            return lifts_in_service(conn, at, unit_id=unit_id)

    def html(self, ask: ReportRequest, nonce: str = "") -> str:
        name = ask.unit_name or (self.queries.unit_name(ask.unit_id) if ask.unit_id else None)
        report = self.reports.build(ask.month, ask.unit_id, public=ask.public, unit_name=name)
        return to_html(report, self.settings.timezone, self.settings.overtime_minutes, nonce)

    def pdf(self, ask: ReportRequest) -> bytes:
        return to_pdf(self.html(ask))
