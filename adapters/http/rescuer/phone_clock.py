"""A phone's tap time on the server's clock: a phone whose clock runs fast or slow still records
when the tap happened (and is not refused as "in the future" for a few minutes of drift).

The phone sends, with every attempt, its own clock at sending (`X-Phone-Clock`); the tap time
is moved by how far that clock is from ours. Drift under SLACK (a slow network) is left alone."""

from datetime import UTC, datetime, timedelta
from typing import Any

PHONE_CLOCK = "x-phone-clock"
SLACK = timedelta(seconds=60)  # more than a slow request takes; less than a wrong clock


def _instant(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def on_server_clock(data: dict[str, Any], phone_now: str | None,
                    now: datetime | None = None) -> dict[str, Any]:
    """`data` with its `at` moved onto the server's clock; unchanged when either time is
    missing or not an aware ISO time (the body checks then name `at` as usual)."""
    at, sent = _instant(data.get("at")), _instant(phone_now) if phone_now else None
    if at is None or sent is None:
        return data
    drift = (now or datetime.now(UTC)) - sent
    if abs(drift) <= SLACK:
        return data
    return {**data, "at": (at + drift).isoformat()}
