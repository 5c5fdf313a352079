"""Date windows of read queries (API and console): the range every report accepts.

Dates far outside it are typos (year 1, 9999) and some cannot even be converted (9999-12-31
plus one day overflows), so they are refused by name instead of failing later."""

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

EARLIEST = date(1970, 1, 1)
LATEST = date(2099, 12, 31)
RANGE = f"between {EARLIEST} and {LATEST}"
_START = datetime.combine(EARLIEST, time(), UTC)
_END = datetime.combine(LATEST, time.max, UTC)


def in_range(value: datetime) -> datetime:
    """An instant inside the accepted range (comparing aware datetimes cannot overflow)."""
    if not _START <= value <= _END:
        raise PydanticCustomError("date_range", f"must be {RANGE}")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(in_range)]
From = Annotated[Instant | None, Query(alias="from", description=f"inclusive; {RANGE}")]
To = Annotated[Instant | None, Query(description=f"exclusive; {RANGE}")]


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
