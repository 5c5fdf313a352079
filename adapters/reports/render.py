"""A monthly report as HTML (Jinja2, SVG charts drawn on the server) and as PDF (WeasyPrint,
which needs Debian's Pango and a CJK font: fonts-wqy-microhei, see .ci/run and Dockerfile)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from adapters.http.console.charts import bar_chart
from adapters.reports.monthly import MonthlyReport, month_start, next_month

ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                  autoescape=select_autoescape(["html"]))
FIGURES = [  # (Headline attribute, label, unit shown after the value)
    ("tickets", "困人工单数 Entrapment tickets", " 件"),
    ("lifts_in_service", "在用电梯数 Lifts in service", " 台"),
    ("lifts_per_ticket", "困人率（深圳口径）Lifts per entrapment", " 台/次"),
    ("tickets_per_100_lifts", "困人率（南京口径）Entrapments per 100 lifts", "%"),
    ("overtime", "超时工单数 Overtime tickets", " 件"),
    ("overtime_share", "超时占比 Overtime share", "%"),
    ("median_minutes", "到场用时中位数 Median minutes to arrive", " 分钟"),
]
REASONS = {"late": "到场超时 (late)", "never_arrived": "未到场 (never arrived)",
           "open": "仍未到场 (open)"}


def num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def short(label: str, width: int = 11) -> str:
    """A chart label that fits its column: CJK characters are twice as wide as the chart
    module assumes, so long names are cut here (the table beside the chart has them whole)."""
    return label if len(label) <= width else label[:width - 1] + "…"


def chart(rows: list[tuple[str, int | float]], caption: str, unit: str) -> str:
    """The console's SVG bar chart, its bars coloured by attribute: PDF renderers apply no
    page stylesheet inside an SVG."""
    return bar_chart(rows, caption, unit).replace("<rect ", '<rect fill="#3b6fb6" ')


def title(report: MonthlyReport) -> str:
    who = report.unit_name or report.unit_id if report.unit_id else "全市 City-wide"
    return f"电梯困人救援月度分析报告 Monthly report {report.month} · {who}"


def to_html(report: MonthlyReport, timezone: str, overtime_minutes: int,
            nonce: str = "") -> str:
    zone = ZoneInfo(timezone)
    last_day = month_start(next_month(report.month), zone).date().toordinal() - 1
    charts = {
        "histogram": chart(report.histogram, "到场用时分布 Minutes to arrive", " 件"),
        "causes": chart([(short(c["name"].split(" / ")[-1]), c["tickets"])
                         for c in report.causes[:12]], "故障原因 Fault causes", " 件"),
        "units": chart([(short(u["unit_name"] or "—"), u["on_time_share"] or 0)
                        for u in report.units[:20]], "及时到场率 On-time share", "%"),
    }
    return ENV.get_template("report_monthly.html").render(
        r=report, title=title(report), charts=charts, figures=FIGURES, num=num,
        reasons=REASONS, limit=overtime_minutes, nonce=nonce,
        previous_month=next_month(report.month, -1),
        edition_label="公开版 (public edition)" if report.public
        else "内部版 (internal edition, not for publication)",
        period=f"{report.month}-01 — {datetime.fromordinal(last_day).date()} ({timezone})",
        generated=datetime.now(zone).strftime("%Y-%m-%d %H:%M"))


def to_pdf(html: str) -> bytes:
    """The HTML printed to PDF (A4); the import is heavy, so only callers of PDF pay it."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
