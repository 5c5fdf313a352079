"""The words of every SMS the dispatcher sends (one place to read and change them)."""

import re
from typing import Any


def entrapment_alert(ticket_no: str, lift: dict[str, Any] | None, trapped_count: int | None,
                     level: int) -> str:
    """Level `level`'s call to respond to an entrapment."""
    return (f"【电梯困人】{ticket_no} {(lift or {}).get('address', '')} "
            f"被困{trapped_count or '若干'}人，请立即响应（{level}级）")


def overdue_warning(ticket_no: str, minutes: int) -> str:
    """The unit lead's warning that nobody arrived within `minutes` of the notification."""
    return f"【超时预警】{ticket_no} 通知后{minutes}分钟救援人员仍未到场"


def send_failed(target_name: str | None) -> str:
    """The escalation reason when the gateway refused the notification."""
    return f"SMS to {target_name} failed"


def nobody_accepted(seconds: float, level: int) -> str:
    return f"nobody accepted within {seconds:g} s at level {level}"


def nobody_reached(level: int) -> str:
    return (f"SMS at level {level} reached nobody: the gateway reports delivery "
            "failed for every recipient")


def rescuer_link(ticket_no: str, url: str) -> str:
    """A worker's own link to act on the ticket from the phone (issue 17): never forward it."""
    return f"【接单链接】{ticket_no} 您的专属链接（勿转发）：{url} 可接单、扫码到场、登记解救"


LINK_IN_TEXT = re.compile(r"(/r/[A-Za-z0-9_-]{6})[A-Za-z0-9_-]+")


def without_links(text: str) -> str:
    """The text as people other than its addressee may read it: rescuer links cut short."""
    return LINK_IN_TEXT.sub(r"\1…", text)
