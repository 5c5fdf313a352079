"""When a command says something happened: aware, not before 2000, not in the future."""

from datetime import UTC, datetime, timedelta

from domain.errors import InvalidValue
from domain.values import require_aware

# Clients' clocks drift; business times further ahead than this are refused as typos.
CLOCK_SKEW = timedelta(minutes=2)
# No elevator alarm is recorded before this; earlier business times are typos (e.g. year 1).
EARLIEST_BUSINESS_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def business_time(value: datetime | None, field: str, now: datetime) -> datetime:
    """`value` checked and in UTC; None means `now`."""
    if value is None:
        return now
    require_aware(value, field)
    # Bounds before the UTC conversion: year 1 or 9999 would overflow it (comparing
    # aware datetimes does not convert, so cannot overflow).
    if value < EARLIEST_BUSINESS_TIME:
        raise InvalidValue(f"{field} {value.isoformat()} is before "
                           f"{EARLIEST_BUSINESS_TIME:%Y-%m-%d}: a typo?", field=field)
    if value > now + CLOCK_SKEW:
        raise InvalidValue(f"{field} {value.isoformat()} is in the future", field=field)
    return value.astimezone(UTC)
