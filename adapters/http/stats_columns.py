"""The statistics tables' columns: key, Chinese label, English label saying what the figure
means (one place for the JSON `labels`, the console headers and the CSV/XLSX header)."""

from typing import Any

from adapters.http.export_columns import Column

KEY = Column("key", "编号", "Id (unit, station or district)")
NAME = Column("name", "名称", "Name")
LIFTS = Column("lifts_in_service", "在用电梯(台)", "Lifts in service at the end of the window")
TICKETS = Column("tickets", "困人工单(次)", "Entrapment tickets (cancelled ones excluded)")
SHENZHEN_RATE = Column("lifts_per_ticket", "困人率(台/次)",
                       "台/次: lifts in service per entrapment (Shenzhen guide)")
NANJING_RATE = Column("tickets_per_lift_pct", "困人率(%)",
                      "%: entrapments ÷ lifts in service × 100 (Nanjing)")
PER_10K = Column("tickets_per_10k_lifts", "万台困人(次)", "Entrapments per 10,000 lifts")
OVERTIME = Column("overtime", "超时(件)", "Tickets whose rescuer was not on site within the "
                                       "lift's district limit")
OVERTIME_SHARE = Column("overtime_share_pct", "超时占比(%)",
                        "%: overtime tickets ÷ entrapment tickets × 100")
MEDIAN = Column("median_minutes_to_arrive", "到场用时中位数(分钟)",
                "Median minutes from the station's notification to arrival")
P90 = Column("p90_minutes_to_arrive", "到场用时90分位(分钟)",
             "90th percentile minutes to arrive (9 in 10 arrived within)")

UNITS = (NAME, KEY, LIFTS, TICKETS, SHENZHEN_RATE, PER_10K, OVERTIME, OVERTIME_SHARE, MEDIAN,
         P90)
INDICATORS = (
    NAME, KEY, LIFTS, TICKETS,
    Column("response_rate_pct", "三分钟响应率(%)",
           "%: responder assigned within 3 min of the station being notified ÷ notified"),
    Column("arrival_rate_pct", "三十分钟到达率(%)",
           "%: on site within the lift's district limit (30 or 60 min) ÷ arrived or overtime"),
    Column("avg_minutes_to_arrive", "平均到场用时(分钟)",
           "Average minutes from the station's notification to arrival"),
    Column("avg_minutes_on_site", "平均现场处置用时(分钟)",
           "Average minutes on site: arrival → passengers released"),
    Column("level_1", "一级救援(次)", "Level 1: the contracted maintenance unit"),
    Column("level_2", "二级救援(次)", "Level 2: another rescue station nearby"),
    Column("level_3", "三级救援(次)", "Level 3: operators, police and fire (119)"),
    SHENZHEN_RATE, NANJING_RATE, PER_10K, OVERTIME, OVERTIME_SHARE, MEDIAN, P90,
)
# The units table sorts by any of its figures (`sort=-tickets`: descending).
SORTABLE = tuple(c.key for c in UNITS)


def labels(columns: tuple[Column, ...]) -> dict[str, str]:
    """Each figure's key → `中文 (English meaning)`."""
    return {c.key: f"{c.zh} ({c.en})" for c in columns}


def as_table(columns: tuple[Column, ...]) -> list[dict[str, Any]]:
    """The columns for a template: key, zh, en."""
    return [{"key": c.key, "zh": c.zh, "en": c.en} for c in columns]
