"""A month's analysis report as data: tickets, 困人率, overtime, minutes to arrive, causes,
repeated entrapments, units ranked, month-on-month change (windows on received_at, local)."""

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from adapters.postgres.report_queries import ReportQueries
from adapters.reference import FaultCauseTable

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z")  # \Z: "$" lets a newline through
# Minutes to arrive, (lo, hi] buckets; the 30-minute limit is a bucket edge.
BUCKETS = [(0, 5), (5, 10), (10, 15), (15, 20), (20, 25), (25, 30), (30, 45), (45, 60)]
LiftCount = Callable[[datetime, str | None], int]  # lifts in service at an instant, per unit


def month_start(month: str, zone: ZoneInfo) -> datetime:
    year, number = map(int, month.split("-"))
    return datetime.combine(date(year, number, 1), time(), zone)


def next_month(month: str, step: int = 1) -> str:
    year, number = map(int, month.split("-"))
    index = year * 12 + number - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_problem(month: str, timezone: str) -> str | None:
    """Why `month` cannot be reported (None = fine): its format, or a month not yet begun."""
    if not MONTH.match(month) or month < "1970-01":
        return "月份格式应为 YYYY-MM，1970-01 起 (month must be YYYY-MM, 1970-01 or later)"
    if month > datetime.now(ZoneInfo(timezone)).strftime("%Y-%m"):
        return "月份尚未开始 (the month has not begun yet)"
    return None


def share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


@dataclass
class Headline:
    """The month's key figures; 困人率 both ways the reference names (README "Indicators")."""

    tickets: int
    lifts_in_service: int
    overtime: int
    notified: int
    arrival_minutes: list[float]
    lifts_per_ticket: float | None = field(init=False)  # Shenzhen 台/次
    tickets_per_100_lifts: float | None = field(init=False)  # Nanjing %
    tickets_per_10k_lifts: float | None = field(init=False)
    overtime_share: float | None = field(init=False)  # % of tickets notified to maintenance
    median_minutes: float | None = field(init=False)
    p90_minutes: float | None = field(init=False)

    def __post_init__(self) -> None:
        lifts, tickets, minutes = self.lifts_in_service, self.tickets, self.arrival_minutes
        self.lifts_per_ticket = round(lifts / tickets, 2) if tickets else None
        self.tickets_per_100_lifts = share(tickets, lifts)
        self.tickets_per_10k_lifts = round(tickets * 10_000 / lifts, 2) if lifts else None
        self.overtime_share = share(self.overtime, self.notified)
        self.median_minutes = round(statistics.median(minutes), 2) if minutes else None
        self.p90_minutes = minutes[max(0, -(-len(minutes) * 9 // 10) - 1)] if minutes else None


@dataclass
class MonthlyReport:
    month: str
    unit_id: str | None
    unit_name: str | None
    public: bool
    lifts_source: str
    headline: Headline
    previous: Headline
    histogram: list[tuple[str, int]]
    causes: list[dict[str, Any]]
    repeated_lifts: list[dict[str, Any]]
    units: list[dict[str, Any]]
    overtime_tickets: list[dict[str, Any]] = field(default_factory=list)  # full edition only
    stations: list[dict[str, Any]] = field(default_factory=list)  # full edition only

    def change(self, name: str) -> dict[str, Any]:
        """Month-on-month (环比): this month, last month, the difference and its percent."""
        now, before = getattr(self.headline, name), getattr(self.previous, name)
        if now is None or before is None:
            return {"now": now, "before": before, "delta": None, "percent": None}
        delta = round(now - before, 2)
        return {"now": now, "before": before, "delta": delta,
                "percent": round(delta * 100 / before, 1) if before else None}


def histogram(minutes: list[float]) -> list[tuple[str, int]]:
    bars = [(f"{lo}–{hi} 分钟", sum(lo < m <= hi for m in minutes)) for lo, hi in BUCKETS]
    return [*bars, (f">{BUCKETS[-1][1]} 分钟", sum(m > BUCKETS[-1][1] for m in minutes))]


class MonthlyReports:
    """Builds reports from the views; `lifts` counts lifts in service at the month's end."""

    def __init__(self, queries: ReportQueries, causes: FaultCauseTable, timezone: str,
                 lifts: LiftCount, lifts_source: str):
        self.queries, self.causes, self.zone = queries, causes, ZoneInfo(timezone)
        self.lifts, self.lifts_source = lifts, lifts_source

    def headline(self, month: str, unit_id: str | None) -> Headline:
        start, end = month_start(month, self.zone), month_start(next_month(month), self.zone)
        units = self.queries.unit_figures(unit_id, start, end)
        return Headline(tickets=sum(u["tickets"] for u in units),
                        lifts_in_service=self.lifts(end, unit_id),
                        overtime=sum(u["overtime"] for u in units),
                        notified=sum(u["notified"] for u in units),
                        arrival_minutes=self.queries.arrival_minutes(unit_id, start, end))

    def build(self, month: str, unit_id: str | None, *, public: bool,
              unit_name: str | None = None) -> MonthlyReport:
        start, end = month_start(month, self.zone), month_start(next_month(month), self.zone)
        now = self.headline(month, unit_id)
        q = self.queries
        report = MonthlyReport(
            month=month, unit_id=unit_id, unit_name=unit_name, public=public,
            lifts_source=self.lifts_source, headline=now,
            previous=self.headline(next_month(month, -1), unit_id),
            histogram=histogram(now.arrival_minutes),
            causes=self.causes.merge_counts(q.counts("cause", unit_id, start, end)),
            repeated_lifts=q.per_lift(unit_id, start, end, 2),
            units=self.ranking(start, end, unit_id))
        if not public:  # unit-internal detail: stations and ticket numbers
            report.overtime_tickets = q.overtime(unit_id, None, start, end)
            report.stations = q.counts("station", unit_id, start, end)
        return report

    def ranking(self, start: datetime, end: datetime,
                unit_id: str | None) -> list[dict[str, Any]]:
        """Units by on-time share (most first), then tickets per 10,000 lifts (fewest first);
        a unit's report keeps its own row, with its place among all units."""
        rows = []
        for u in self.queries.unit_figures(None, start, end):
            if u["unit_id"] is None:  # tickets of lifts unknown to the registry: no unit to rank
                continue
            lifts = self.lifts(end, u["unit_id"])
            rows.append({**u, "lifts": lifts,
                         "on_time_share": share(u["notified"] - u["overtime"], u["notified"]),
                         "tickets_per_10k_lifts":
                             round(u["tickets"] * 10_000 / lifts, 2) if lifts else None})
        rows.sort(key=lambda r: (-(r["on_time_share"] if r["on_time_share"] is not None else -1),
                                 r["tickets_per_10k_lifts"] or 0, r["unit_id"]))
        for place, row in enumerate(rows, 1):
            row["place"], row["of"] = place, len(rows)
        return [r for r in rows if unit_id is None or r["unit_id"] == unit_id]
