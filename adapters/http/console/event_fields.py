"""Event data as labelled rows (field → readable value) for the history and dossier pages."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from adapters.reference import rescue_methods
from domain.arrival import proof_label

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
    # Issue 14 (closing the loop) and 17 (arrival proof): named like the rest.
    "rescue_method": "救援方法 Rescue method", "rescue_note": "救援方法说明 Rescue note",
    "confirmed_by": "回访对象 Confirmed by",
    "without_callback_reason": "未回访原因 Closed without callback because",
    "side": "通知对象 Side notified", "proof": "到场证明 Arrival proof",
    "proof_detail": "证明详情 Proof detail", "accuracy_m": "定位精度(米) Accuracy (m)",
    "distance_m": "距电梯(米) Distance to the lift (m)", "at": "时间 At",
}
# Coded values shown by name (the code stays beside it).
VALUE_NAMES = {
    "confirmed_by": {"trapped_person": "被困人员 trapped person",
                     "using_unit": "使用单位 using unit"},
    "side": {"maintenance": "维保方 maintenance side", "operators": "调度台 operators"},
}


def named(key: str, value: Any) -> str | None:
    """A coded value's name (`1 平层开门放人`), or None when the key has no names."""
    if key == "rescue_method" and isinstance(value, str):
        return f"{value} {rescue_methods().get(value, '')}".strip()
    if key == "proof" and isinstance(value, str):
        return proof_label(value)
    names = VALUE_NAMES.get(key)
    return names.get(value, str(value)) if names and isinstance(value, str) else None


def label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def event_fields(data: dict[str, Any] | None,
                 local: Callable[[datetime], str]) -> list[tuple[str, str]]:
    """Flatten event data to (label, text) rows; nested objects become "outer · inner" rows.

    Values are shown as stored (phone numbers stay masked); times in the console's zone."""
    rows: list[tuple[str, str]] = []

    def add(prefix: str, value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            if not value:
                rows.append((prefix, "—"))
            for inner_key, inner in value.items():
                add(f"{prefix} · {label(inner_key)}" if prefix else label(inner_key), inner,
                    inner_key)
        elif isinstance(value, list | tuple):
            if not value or all(not isinstance(v, dict | list) for v in value):
                rows.append((prefix, "、".join(text(v) for v in value) or "—"))
            else:
                for number, inner in enumerate(value, 1):
                    add(f"{prefix} {number}", inner)
        else:
            rows.append((prefix, named(key, value) or text(value)))

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
