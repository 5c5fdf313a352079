"""Event data as labelled rows (field → readable value) for the history and dossier pages."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

FIELD_LABELS = {
    "source": "来源 Source", "source_ref": "来源编号 Source ref", "ticket_no": "工单号 Ticket no",
    "lift_code": "电梯代码 Lift code", "lift": "电梯 Lift", "trapped_count": "被困人数 Trapped",
    "caller": "报警人 Caller", "dispatch": "调度方式 Dispatch", "note": "备注 Note",
    "station": "救援站 Station", "level": "调度级别 Level", "channel": "通知方式 Channel",
    "from_level": "原级别 From level", "to_level": "新级别 To level", "reason": "原因 Reason",
    "responder": "响应人 Responder", "released_count": "解救人数 Released",
    "released_by": "解困方 Released by", "cause_root": "故障大类 Cause", "cause_sub": "故障小类 Sub-cause",
    "description": "描述 Description", "node": "节点 Node", "old": "原时间 Was", "new": "新时间 Now",
    "name": "姓名 Name", "phone": "电话 Phone", "mobile": "手机 Mobile", "worker_id": "工号 Worker id",
    "id": "编号 Id", "unit_id": "维保单位 Unit", "station_id": "救援站 Station",
    "registration_code": "注册代码 Registration code", "rescue_code": "救援识别码 Rescue code",
    "address": "地址 Address", "district": "区 District", "street": "街道 Street",
    "site_type": "场所类型 Site type", "using_unit": "使用单位 Using unit",
}


def label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def event_fields(data: dict[str, Any] | None,
                 local: Callable[[datetime], str]) -> list[tuple[str, str]]:
    """Flatten event data to (label, text) rows; nested objects become "outer · inner" rows.

    Values are shown as stored (phone numbers stay masked); times in the console's zone."""
    rows: list[tuple[str, str]] = []

    def add(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            if not value:
                rows.append((prefix, "—"))
            for key, inner in value.items():
                add(f"{prefix} · {label(key)}" if prefix else label(key), inner)
        elif isinstance(value, list | tuple):
            if not value or all(not isinstance(v, dict | list) for v in value):
                rows.append((prefix, "、".join(text(v) for v in value) or "—"))
            else:
                for number, inner in enumerate(value, 1):
                    add(f"{prefix} {number}", inner)
        else:
            rows.append((prefix, text(value)))

    def text(value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "是 yes" if value else "否 no"
        if isinstance(value, datetime):
            return local(value)
        return str(value)

    if data:
        add("", data)
    return rows
