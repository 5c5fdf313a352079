"""Value types shared by tickets and the registry."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidValue

TICKET_NAMESPACE = uuid.UUID("6f2c1d52-8a4e-5b0c-9d1e-6c1a7f3e2b90")
# [0-9], never \d: in Python \d also matches '١٢٣' and other scripts' digits; \Z, never $:
# $ also matches before a trailing newline.
MOBILE = re.compile(r"^1[3-9][0-9]{9}\Z")
REGISTRATION_CODE = re.compile(r"^[0-9]{20}\Z")
RESCUE_CODE = re.compile(r"^[0-9]{6}\Z")


class ReleasedBy(StrEnum):
    RESCUER = "rescuer"
    PROPERTY = "property"
    FIRE = "fire"
    SELF = "self"


class CancelReason(StrEnum):
    FALSE_ALARM = "false_alarm"
    DUPLICATE = "duplicate"
    OTHER = "other"


class Node(StrEnum):
    """Timed milestones of a ticket, in the order they must occur."""

    RECEIVED = "received"
    NOTIFIED = "notified"
    ASSIGNED = "assigned"
    ARRIVED = "arrived"
    RELEASED = "released"
    CLOSED = "closed"


NODE_ORDER = list(Node)
# The nodes as the city's platform names them (error texts pair them with the English value).
NODE_ZH = {Node.RECEIVED: "接警", Node.NOTIFIED: "通知", Node.ASSIGNED: "响应",
           Node.ARRIVED: "到场", Node.RELEASED: "解困", Node.CLOSED: "结案"}
# The dispatcher's level-3 target (operator desk / 119): told, but not the maintenance side.
OPERATOR_DESK = "operators"


class NotifiedSide(StrEnum):
    """Who a notification reached: the maintenance side (station or unit lead) or operators."""

    MAINTENANCE = "maintenance"
    OPERATORS = "operators"


def notified_side(station: dict | None) -> NotifiedSide:
    """An operator's own notify (no kind) records, by its contract, that the maintenance side
    (a rescue station or the unit's lead) was told; only the operator desk target is not."""
    if (station or {}).get("kind") == OPERATOR_DESK:
        return NotifiedSide.OPERATORS
    return NotifiedSide.MAINTENANCE


def ticket_id_for(source: str, source_ref: str) -> uuid.UUID:
    """Deterministic id, so a retried alarm never opens a twin ticket."""
    return uuid.uuid5(TICKET_NAMESPACE, f"{source}\x1f{source_ref}")


def ticket_number(day: datetime, sequence: int) -> str:
    """Human ticket number such as T20261122-000123."""
    return f"T{day:%Y%m%d}-{sequence:06d}"


def mask_mobile(mobile: str | None) -> str | None:
    """Keep the first 3 and last 4 digits: 138****5678."""
    if not mobile:
        return mobile
    if len(mobile) < 8:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]


MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_mobiles_in(text: str | None) -> str | None:
    """Every mainland mobile number inside free text masked: 联系 138****5678."""
    return MOBILE_IN_TEXT.sub(r"\1****\3", text) if text else text


def mask_name(name: str | None) -> str | None:
    """Keep the first character, a star for each other one: 张三丰 → 张**, Li Wei → L*****."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def require_aware(value: datetime, field: str) -> datetime:
    """Business times must carry an offset; naive times are ambiguous."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"{field} must include a UTC offset", field=field,
                           zh=f"{field} 须带时区偏移（如 +08:00）")
    return value


# Clients' clocks drift; business times further ahead than this are refused as typos.
CLOCK_SKEW = timedelta(minutes=2)
# No elevator alarm is recorded before this; earlier business times are typos (e.g. year 1).
EARLIEST_BUSINESS_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def business_time(value: datetime | None, field: str, now: datetime) -> datetime:
    """When a command says something happened: aware, not before 2000, not in the future
    (beyond clock skew), in UTC; None means `now`."""
    if value is None:
        return now
    require_aware(value, field)
    # Bounds before the UTC conversion: year 1 or 9999 would overflow it (comparing
    # aware datetimes does not convert, so cannot overflow).
    if value < EARLIEST_BUSINESS_TIME:
        raise InvalidValue(f"{field} {value.isoformat()} is before "
                           f"{EARLIEST_BUSINESS_TIME:%Y-%m-%d}: a typo?", field=field,
                           zh=f"{field} 早于 {EARLIEST_BUSINESS_TIME:%Y-%m-%d}，是否输错？")
    if value > now + CLOCK_SKEW:
        raise InvalidValue(f"{field} {{at}} is in the future", field=field,
                           zh=f"{field} {{at}} 晚于当前时间", times={"at": value})
    return value.astimezone(UTC)
