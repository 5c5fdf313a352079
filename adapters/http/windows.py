"""Date windows of read queries (API and console).

No ticket has a business time before 2000 or in the future, so an API window reaching past
1970..2099 (`to=9999-12-31` as "no upper bound") is clamped to that range: same answer, and
nothing downstream overflows. Console dates are typed by people: out of range there is a typo,
said so on the page."""

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, AwareDatetime

EARLIEST = date(1970, 1, 1)
LATEST = date(2099, 12, 31)
RANGE = f"between {EARLIEST} and {LATEST}"
_START = datetime.combine(EARLIEST, time(), UTC)
_END = datetime.combine(LATEST, time.max, UTC)


def in_range(value: datetime) -> datetime:
    """The instant, clamped into the range (comparing aware datetimes cannot overflow)."""
    return min(max(value, _START), _END)


Instant = Annotated[AwareDatetime, AfterValidator(in_range)]
From = Annotated[Instant | None, Query(alias="from", description=f"inclusive; clamped to {RANGE}")]
To = Annotated[Instant | None, Query(description=f"exclusive; clamped to {RANGE}")]


def _instant(value: str | None) -> datetime | None:
    """A query value as an aware instant; None when absent or malformed (the route's own
    validation names a malformed one)."""
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


async def window_in_order(request: Request) -> None:
    """Router dependency: `to` not after `from` is a 422 naming `to` (such a window matched
    nothing, silently, as if there were no tickets)."""
    start, end = (_instant(request.query_params.get(name)) for name in ("from", "to"))
    if start is not None and end is not None and end <= start:
        raise RequestValidationError([{
            "type": "value_error", "loc": ("query", "to"), "input": request.query_params["to"],
            "msg": "须晚于 from（时间窗为空）(must be later than from: the window is empty)"}])


REVERSED_DATES = "截止日期早于起始日期，已忽略日期 (the end date is before the start date: dates ignored)"


def local_date(value: str | None) -> date | None:
    """A console YYYY-MM-DD query value inside the range; ValueError says what is wrong."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("日期格式应为 YYYY-MM-DD (dates must be YYYY-MM-DD)") from None
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"日期应在 {EARLIEST} 至 {LATEST} 之间 (dates must be {RANGE})")
    return day
