"""Provincial statistics per city from `province_records` (the newest version of each record).

Tickets are the real entrapments (false alarms left out) whose business day (receipt, in the
platform's time zone) is in [first, last]; lifts are each city's lift records in service.
"""

from datetime import date
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

TICKETS = ("FROM province_records WHERE record_type = 'ticket' "
           "AND business_day BETWEEN %(first)s AND %(last)s "
           "AND NOT (body->>'false_alarm')::boolean")
PER_CITY = f"""
SELECT city_code, count(*) AS tickets,
       count(*) FILTER (WHERE body->>'overtime' <> 'none') AS overtime,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (body->>'minutes_to_arrive')::float)
           AS median_minutes_to_arrive,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY (body->>'minutes_to_arrive')::float)
           AS p90_minutes_to_arrive
{TICKETS} GROUP BY city_code"""
CAUSES = f"""
SELECT city_code, coalesce(body->>'cause_category', 'unknown') AS cause, count(*) AS tickets
{TICKETS} GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2"""
LIFTS = """
SELECT city_code, count(*) FILTER (WHERE (body->>'in_service')::boolean) AS lifts
FROM province_records WHERE record_type = 'lift' GROUP BY city_code"""


class ProvinceQueries:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def stats(self, first: date, last: date) -> list[dict[str, Any]]:
        """One row per city seen (tickets or lifts), ordered by city code."""
        window = {"first": first, "last": last}
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            tickets = {r["city_code"]: r for r in cur.execute(PER_CITY, window).fetchall()}
            causes = cur.execute(CAUSES, window).fetchall()
            lifts = {r["city_code"]: r["lifts"] for r in cur.execute(LIFTS).fetchall()}
        return [city_row(code, tickets.get(code), lifts.get(code, 0),
                         [{"cause": c["cause"], "tickets": c["tickets"]}
                          for c in causes if c["city_code"] == code])
                for code in sorted(set(tickets) | set(lifts))]


def city_row(code: str, tickets: dict[str, Any] | None, lifts: int,
             causes: list[dict[str, Any]]) -> dict[str, Any]:
    """A city's figures; 困人率 both ways the reference README names (Shenzhen and Nanjing)."""
    count = tickets["tickets"] if tickets else 0
    overtime = tickets["overtime"] if tickets else 0
    return {
        "city_code": code, "tickets": count, "lifts_in_service": lifts,
        "lifts_per_entrapment": round(lifts / count, 2) if count else None,
        "entrapments_per_100_lifts": round(count / lifts * 100, 4) if lifts else None,
        "overtime": overtime, "overtime_share": round(overtime / count, 4) if count else None,
        "median_minutes_to_arrive": _minutes(tickets, "median_minutes_to_arrive"),
        "p90_minutes_to_arrive": _minutes(tickets, "p90_minutes_to_arrive"),
        "causes": causes,
    }


def _minutes(tickets: dict[str, Any] | None, column: str) -> float | None:
    value = tickets[column] if tickets else None
    return round(float(value), 2) if value is not None else None
