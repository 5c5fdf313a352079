"""Ticket list rows, shared by the API's lists and the console's pages: one row shape, one
keyset cursor, one page function."""

import base64
from datetime import datetime
from typing import Any, Literal

from fastapi.exceptions import RequestValidationError

from adapters.postgres.ticket_queries import TicketQueries
from adapters.postgres.ticket_search import TicketFilter
from projections.tickets import ORDER, minutes

ORDERS = {True: "-received_at", False: "received_at"}
Status = Literal["received", "notified", "assigned", "arrived", "released", "closed",
                 "cancelled"]


def dynamic_item(row: dict[str, Any]) -> dict[str, Any]:
    """A ticket with its node times; minutes and overtime run from the maintenance side's
    notification (maint_notified_at), as on the overtime list."""
    to_arrive = minutes(row["maint_notified_at"], row["arrived_at"])
    timeline, previous = [], None
    for node in ORDER:
        at = row[f"{node}_at"]
        if at is not None:
            timeline.append({"node": node, "at": at, "minutes_since_previous":
                             minutes(previous, at) if previous else None})
            previous = at
    return {"ticket_id": row["ticket_id"], "ticket_no": row["ticket_no"],
            "lift": row["registration_code"] or row["lift_code"], "unit_id": row["unit_id"],
            "unit_name": row["unit_name"], "rescue_code": row["rescue_code"],
            "using_unit_code": row["using_unit_code"], "using_unit_name": row["using_unit_name"],
            "address": row["address"], "district": row["district"],
            "station_id": row["station_id"],
            "station": row["station_name"] or row["station_id"], "status": row["status"],
            "level": row["level"], "received_at": row["received_at"],
            "notified_at": row["notified_at"], "assigned_at": row["assigned_at"],
            "responder": row["responder_name"], "arrived_at": row["arrived_at"],
            "released_at": row["released_at"], "maint_notified_at": row["maint_notified_at"],
            "minutes_to_arrive": to_arrive, "overtime": row["overtime_reason"] is not None,
            "overtime_reason": row["overtime_reason"], "timeline": timeline}


def parse_cursor(raw: str | None, newest_first: bool) -> tuple[datetime, str] | None:
    if raw is None:
        return None
    try:
        order, at, ticket_id = base64.urlsafe_b64decode(raw.encode()).decode().split("|", 2)
        if order != ORDERS[newest_first]:
            raise ValueError("sorted the other way")
        position = datetime.fromisoformat(at)
        if position.tzinfo is None or not ticket_id.isprintable():  # not one we wrote
            raise ValueError("forged")
        return position, ticket_id
    except ValueError:
        raise RequestValidationError([{
            "type": "value_error", "loc": ("query", "cursor"), "input": None,
            "msg": "not a cursor this list returned for this sort; start again without it"}]
        ) from None


def next_cursor(rows: list[dict[str, Any]], limit: int, newest_first: bool) -> str | None:
    """The opaque position after the last row of a full page (None: this was the last)."""
    if len(rows) < limit:
        return None
    last = rows[-1]
    raw = f"{ORDERS[newest_first]}|{last['received_at'].isoformat()}|{last['ticket_id']}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def ticket_page(queries: TicketQueries, where: TicketFilter, limit: int, cursor: str | None,
                sort: str) -> tuple[list[dict[str, Any]], str | None]:
    """One page of list rows and the cursor of the next (the API list and the console's)."""
    newest_first = sort == ORDERS[True]
    rows = queries.tickets(where, limit, parse_cursor(cursor, newest_first), newest_first)
    return [dynamic_item(r) for r in rows], next_cursor(rows, limit, newest_first)
