"""Business dates as forms and bodies give them → aware date-times on the platform's clock."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


def business_time(value: date | datetime, timezone: str) -> datetime:
    """A date means 00:00 that day; a date-time without a zone is the platform's local time."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))
