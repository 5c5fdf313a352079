"""Ticket search over tickets_view: every filter of `GET /v1/tickets`, combined with AND, paged
by keyset on (received_at, ticket_id) so pages never overlap or skip."""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

# Exact matches use the btree indexes of migration 0007; names and addresses are substrings.
LIFT = "(registration_code = %(lift)s OR rescue_code = %(lift)s OR lift_code = %(lift)s)"
USING = "(using_unit_code = %(using_unit)s OR using_unit_name = %(using_unit)s)"
Q = ("(ticket_no = %(q)s OR registration_code = %(q)s OR rescue_code = %(q)s "
     "OR lift_code = %(q)s OR ticket_no ILIKE %(q_like)s ESCAPE '\\' "
     "OR using_unit_name ILIKE %(q_like)s ESCAPE '\\' OR address ILIKE %(q_like)s ESCAPE '\\')")
CLAUSES = {
    "unit_id": "unit_id = %(unit_id)s", "station_id": "station_id = %(station_id)s",
    "district": "district = %(district)s", "status": "status = %(status)s",
    "start": "received_at >= %(start)s", "end": "received_at < %(end)s",
    "lift": LIFT, "using_unit": USING, "q": Q,
}


@dataclass(frozen=True)
class TicketFilter:
    """What a ticket list asks for; None = any."""
    unit_id: str | None = None
    q: str | None = None
    lift: str | None = None
    using_unit: str | None = None
    station_id: str | None = None
    district: str | None = None
    status: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def like(text: str) -> str:
    """`%text%` with LIKE's own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_sql(where: TicketFilter, cursor: tuple[datetime, str] | None,
               newest_first: bool) -> tuple[str, dict[str, Any]]:
    """The WHERE and ORDER BY of one page, and their parameters."""
    params: dict[str, Any] = {f.name: getattr(where, f.name) for f in fields(where)}
    if where.q is not None:
        params["q"] = where.q.strip()
        params["q_like"] = like(params["q"])
    clauses = [CLAUSES[name] for name, value in params.items()
               if name in CLAUSES and value not in (None, "")]
    if cursor is not None:
        clauses.append("(received_at, ticket_id) " + ("<" if newest_first else ">")
                       + " (%(c_at)s, %(c_id)s)")
        params |= {"c_at": cursor[0], "c_id": cursor[1]}
    direction = "DESC" if newest_first else "ASC"
    where_sql = " AND ".join(clauses) or "TRUE"
    return f"{where_sql} ORDER BY received_at {direction}, ticket_id {direction}", params
