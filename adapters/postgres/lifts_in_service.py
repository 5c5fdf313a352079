"""How many lifts were in service at the end of a window: the one count the entrapment rate
(困人率) and other statistics use. Windows are [from, to): the end is the last moment before
`at`, so a lift registered, taken out or brought back exactly at `at` changed after the window.
From the registry view's history: a lift counts if it was in use before `at` (from its 使用登记
date, in_use_since at 00:00 Asia/Shanghai, the business fact; a lift without one from when it
was recorded here, registered_at: a registry loaded at go-live would otherwise count no lift
in any earlier window) and no out-of-service period (lift_service_periods) covers the moment
before `at`. Unit, station and district are the lift's current ones (the registry view keeps
no history of those)."""

from datetime import datetime

from psycopg import Connection

COUNT = (
    "SELECT count(*)::int FROM lifts_view l WHERE coalesce("
    "l.in_use_since::timestamp AT TIME ZONE 'Asia/Shanghai', l.registered_at) < %(at)s "
    "AND (%(unit)s::text IS NULL OR l.unit_id = %(unit)s) "
    "AND (%(station)s::text IS NULL OR l.station_id = %(station)s) "
    "AND (%(district)s::text IS NULL OR l.district = %(district)s) "
    "AND NOT EXISTS (SELECT 1 FROM lift_service_periods p WHERE p.lift_id = l.lift_id "
    "AND p.out_since < %(at)s AND (p.back_since IS NULL OR p.back_since >= %(at)s))")


def lifts_in_service(conn: Connection, at: datetime, *, unit_id: str | None = None,
                     station_id: str | None = None, district: str | None = None) -> int:
    """Lifts in service at the end of a window ending at `at` (exclusive, aware datetime),
    optionally of one maintenance unit, station or district."""
    if at.tzinfo is None:
        raise ValueError("at must be an aware datetime")
    row = conn.execute(COUNT, {"at": at, "unit": unit_id, "station": station_id,
                               "district": district}).fetchone()
    return row[0] if not isinstance(row, dict) else next(iter(row.values()))
