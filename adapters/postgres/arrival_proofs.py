"""The share of arrivals proven on site (qr_scan or gps), per unit and station (issue 17)."""

from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

PROVEN = ("qr_scan", "gps")
SHARE = """
SELECT unit_id, max(unit_name) AS unit_name, station_id, max(station_name) AS station_name,
       count(*)::int AS arrivals,
       count(*) FILTER (WHERE arrival_proof = ANY(%(proven)s))::int AS proven
FROM tickets_view
WHERE arrived_at IS NOT NULL
  AND (%(unit)s::text IS NULL OR unit_id = %(unit)s)
  AND (%(start)s::timestamptz IS NULL OR received_at >= %(start)s)
  AND (%(end)s::timestamptz IS NULL OR received_at < %(end)s)
GROUP BY unit_id, station_id ORDER BY unit_id NULLS LAST, station_id NULLS LAST"""


def proven_share(pool: ConnectionPool, unit_id: str | None, start: datetime | None,
                 end: datetime | None) -> dict[str, Any]:
    """Rows per unit and station (arrivals, proven, share) and the total."""
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(SHARE, {"proven": list(PROVEN), "unit": unit_id, "start": start,
                                   "end": end}).fetchall()
    for row in rows:
        row["share"] = round(row["proven"] / row["arrivals"], 4)
    arrivals, proven = sum(r["arrivals"] for r in rows), sum(r["proven"] for r in rows)
    return {"items": rows, "arrivals": arrivals, "proven": proven,
            "share": round(proven / arrivals, 4) if arrivals else None}
