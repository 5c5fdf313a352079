"""The columns of every exported list: key, Chinese label, English label (one place)."""

from collections.abc import Callable
from typing import Any, NamedTuple

from domain.values import mask_mobile


class Column(NamedTuple):
    key: str
    zh: str
    en: str
    get: Callable[[dict[str, Any]], Any] | None = None  # when the value is not row[key]
    mobile: bool = False  # a phone number: always masked


def _workers(row: dict[str, Any]) -> str:
    workers = (row.get("workers") or {}).values()
    return "; ".join(f"{w.get('name')} {mask_mobile(w.get('mobile')) or ''}".strip()
                     for w in workers)


def _districts(row: dict[str, Any]) -> str:
    return "、".join((row.get("coverage") or {}).get("districts") or [])


TICKET_NO = Column("ticket_no", "工单号", "Ticket no.")
LIFT = Column("lift", "电梯", "Lift")
STATION = Column("station", "救援站", "Station")
STATUS = Column("status", "状态", "Status")
LEVEL = Column("level", "等级", "Level")
ARRIVED = Column("arrived_at", "到达现场", "Arrived")
RELEASED = Column("released_at", "解救完成", "Released")
UNIT = Column("unit_id", "维保单位", "Maintenance unit")
TICKETS_COUNT = Column("tickets", "工单数", "Tickets")

TICKETS = (
    TICKET_NO, LIFT, UNIT, Column("unit_name", "维保单位名称", "Unit name"),
    Column("using_unit_name", "使用单位", "Using unit"), Column("district", "区", "District"),
    Column("address", "地址", "Address"), STATION, STATUS, LEVEL,
    Column("received_at", "接警", "Received"),
    Column("maint_notified_at", "通知救援站成功", "Station notified"),
    Column("assigned_at", "响应", "Assigned"),
    Column("responder", "响应人", "Responder"),
    ARRIVED, RELEASED,
    Column("minutes_to_arrive", "到场用时(分钟)", "Minutes to arrive"),
    Column("overtime_reason", "超时原因", "Overtime reason"),
)
OVERTIME = (
    TICKET_NO, LIFT, UNIT, STATION, STATUS, LEVEL,
    Column("notified_at", "通知救援站成功", "Station notified"), ARRIVED, RELEASED,
    Column("minutes", "用时(分钟)", "Minutes"),
    Column("limit_minutes", "到场时限(分钟)", "Arrival limit (min, the lift's district)"),
    Column("minutes_over", "超时(分钟)", "Minutes over"),
    Column("reason", "超时原因", "Reason"),
    # Issue 17: how the arrival was established (qr_scan | gps | reported); last, so the
    # columns before keep their places.
    Column("arrival_proof", "到场证明", "Arrival proof"),
)
STATS_TICKETS = (
    Column("key", "分组", "Group"), Column("name", "名称", "Name"), TICKETS_COUNT,
)
ENTRAPMENT_RATE = (
    Column("lifts_in_service", "在用电梯数", "Lifts in service"),
    Column("entrapment_tickets", "困人工单数", "Entrapment tickets"),
    Column("tickets_per_10k_lifts", "万台困人数", "Tickets per 10,000 lifts"),
    Column("lifts_per_ticket", "台/单", "Lifts per ticket"),
)
STATS_LIFTS = (Column("registration_code", "电梯注册代码", "Registration code"), TICKETS_COUNT)
LIFTS = (
    Column("registration_code", "电梯注册代码", "Registration code"),
    Column("rescue_code", "救援识别码", "Rescue code"),
    UNIT, Column("station_id", "救援站", "Station"),
    Column("district", "区", "District"), Column("street", "街道", "Street"),
    Column("site_type", "场所类型", "Site type"),
    Column("using_unit_code", "使用单位代码", "Using unit code"),
    Column("using_unit_name", "使用单位", "Using unit"),
    Column("address", "地址", "Address"),
    Column("safety_manager_name", "安全管理员", "Safety manager"),
    Column("safety_manager_mobile", "安全管理员电话", "Safety manager mobile", mobile=True),
)
STATIONS = (
    Column("station_id", "救援站编号", "Station id"),
    Column("unit_name", "维保单位", "Maintenance unit"),
    Column("name", "救援站", "Station"), Column("district", "区", "District"),
    Column("coverage", "覆盖区域", "Coverage", get=_districts),
    Column("lead_name", "站长", "Lead"),
    Column("lead_mobile", "站长电话", "Lead mobile", mobile=True),
    Column("workers", "救援人员", "Workers", get=_workers),
    Column("lifts", "电梯数", "Lifts"),
)
# Released tickets missing a fault report or a rescue method (the data-gaps page's ticket lists).
RELEASED_MISSING = (
    TICKET_NO, Column("registration_code", "电梯注册代码", "Registration code"), UNIT, RELEASED,
)
DATA_GAPS = (
    Column("gap", "缺项", "Gap"), Column("item", "对象", "Item"), Column("name", "名称", "Name"),
)
# Issue 16: lifts at risk; issue 15: the safety-manager register; issue 17: proven arrivals.
RISK_LIFTS = (
    Column("registration_code", "电梯注册代码", "Registration code"), UNIT,
    Column("unit_name", "维保单位名称", "Unit name"), Column("district", "区", "District"),
    Column("address", "地址", "Address"), TICKETS_COUNT,
    Column("first_at", "首次困人", "First entrapment"), Column("last_at", "最近困人", "Last"),
    Column("reasons", "原因", "Reasons", get=lambda row: "、".join(row.get("reasons") or [])),
    Column("shared_cause", "相同故障原因", "Shared cause"),
    Column("warned_at", "预警时间", "Warned at"),
)
SAFETY_MANAGERS = (
    Column("manager_id", "编号", "Manager id"), UNIT, Column("name", "安全管理员", "Name"),
    Column("mobile", "手机", "Mobile", mobile=True), Column("lifts", "电梯数", "Lifts"),
)
ARRIVAL_PROOF = (
    UNIT, Column("unit_name", "维保单位名称", "Unit name"),
    Column("station_id", "救援站编号", "Station id"),
    Column("station_name", "救援站", "Station"), Column("arrivals", "到场数", "Arrivals"),
    Column("proven", "现场证明到场", "Proven on site"), Column("share", "占比", "Share"),
)
