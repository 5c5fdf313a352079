"""Which ticket commands the console offers, to whom, and how their forms map to commands."""

from dataclasses import dataclass, field, replace
from uuid import UUID

from adapters.http.console.close_loop import (
    CONFIRMED_BY_CHOICES, RESCUE_METHOD_CHOICES, close_loop_command, with_close_loop,
)
from adapters.reference import FaultCauseTable
from dispatch.commands import (
    ArriveOnSite, AssignResponder, CancelTicket, FileFaultReport, NotifyStation, TicketCommand,
)
from domain.ticket import Ticket


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = True
    type: str | None = None
    choices: list[tuple[str, str]] | None = None
    value: str | None = None


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    roles: frozenset[str]
    statuses: frozenset[str]
    fields: list[Field] = field(default_factory=list)


OPS = frozenset({"admin", "operator"})
FIELD_WORK = frozenset({"admin", "operator", "unit"})
OPEN = frozenset({"received", "notified", "assigned"})

ACTIONS = [
    Action("notify", "通知救援站 Notify", OPS, frozenset({"received", "notified"}),
           [Field("station_id", "救援站编号 Station id", required=False)]),
    Action("assign", "响应人接单 Assign", FIELD_WORK, frozenset({"notified", "assigned"}),
           [Field("name", "姓名 Name"), Field("mobile", "手机 Mobile", type="tel")]),
    Action("arrive", "到达现场 Arrived", FIELD_WORK, frozenset({"notified", "assigned"})),
    Action("release", "解困 Released", FIELD_WORK, OPEN | {"arrived"},
           [Field("released_count", "解救人数 People", type="number", value="1"),
            Field("released_by", "解困方 By", choices=[
                ("rescuer", "救援人员"), ("property", "物业"), ("fire", "消防"), ("self", "自行脱困")]),
            Field("rescue_method", "救援方法 Rescue method", choices=RESCUE_METHOD_CHOICES),
            Field("rescue_note", "方法说明 Note (9 其他方法 必填)", required=False)]),
    Action("cancel", "取消 Cancel", OPS, OPEN, [Field("reason", "原因 Reason", choices=[
        ("false_alarm", "误报"), ("duplicate", "重复"), ("other", "其他")])]),
    Action("fault_report", "故障报告 Fault report", FIELD_WORK, frozenset({"released", "closed"}),
           [Field("cause", "故障原因 Cause", choices=FaultCauseTable().choices()),
            Field("description", "描述 Description")]),
    Action("callback", "回访确认 Callback", OPS, frozenset({"released"}), [
        Field("confirmed_by", "确认人 Confirmed by", choices=CONFIRMED_BY_CHOICES),
        Field("note", "回访记录 Note", required=False)]),
    Action("close", "结案 Close", OPS, frozenset({"released"}),
           [Field("without_callback_reason", "未回访原因 Reason (no callback)")]),
]
BY_NAME = {a.name: a for a in ACTIONS}


def available(ticket: Ticket, role: str) -> list[Action]:
    return with_close_loop(ticket, [
        a for a in ACTIONS if role in a.roles and ticket.status in a.statuses
        and not (a.name == "fault_report" and ticket.fault_report)])


def offers_notify(offered: list[Action]) -> bool:
    return any(a.name == "notify" for a in offered)


def with_stations(offered: list[Action], stations: list[tuple[str, str]]) -> list[Action]:
    """The notify form's station field as a choice (empty = let the dispatch policy pick)."""
    pick = [("", "按调度规则 (policy: bound station / unit lead)"), *stations]
    return [replace(a, fields=[replace(f, choices=pick) for f in a.fields])
            if a.name == "notify" else a for a in offered]


def to_command(name: str, ticket_id: UUID, form: dict[str, str]) -> TicketCommand:
    """Form fields → the ticket command; raises ValueError with a field name."""
    if name == "notify":
        station = form.get("station_id", "").strip()
        return NotifyStation(ticket_id=ticket_id, station={"id": station} if station else None,
                             channel="platform")
    if name == "assign":
        from adapters.http.schemas import Responder

        responder = Responder(name=form.get("name", ""), mobile=form.get("mobile", ""))
        return AssignResponder(ticket_id=ticket_id, responder=responder.model_dump())
    if name in ("release", "callback", "close"):
        return close_loop_command(name, ticket_id, form)
    if name == "cancel":
        return CancelTicket(ticket_id=ticket_id, reason=form.get("reason", "other"), note=None)
    if name == "fault_report":
        root, _, sub = form.get("cause", "").partition("/")
        return FileFaultReport(ticket_id=ticket_id, cause_root=root.strip(),
                               cause_sub=sub.strip(),
                               description=form.get("description", "").strip() or "—")
    if name == "arrive":
        return ArriveOnSite(ticket_id=ticket_id)
    raise ValueError(f"no console action {name}")
