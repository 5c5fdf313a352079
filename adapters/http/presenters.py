"""Turn aggregates and stored events into public JSON shapes (never serialise aggregates)."""

from datetime import datetime
from typing import Any

from adapters.http.schemas import CommandResult, EventPublic, NodeTimes, TicketPublic
from dispatch.tickets import Outcome
from domain.ticket import Ticket
from domain.values import Node, mask_mobiles_in
from projections.public_events import public_data


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 2)


def _masked(facts: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    """A copy with the free-text `key` masked (notes stored whole before issue 14)."""
    return {**facts, key: mask_mobiles_in(facts.get(key))} if facts else facts


def ticket_public(ticket: Ticket) -> TicketPublic:
    times = ticket.times
    return TicketPublic(
        id=ticket.id, ticket_no=ticket.ticket_no, status=ticket.status, version=ticket.version,
        source=ticket.source, source_ref=ticket.source_ref, lift_code=ticket.lift_code,
        lift=ticket.lift, lift_known=ticket.lift is not None, trapped_count=ticket.trapped_count,
        caller=ticket.caller, dispatch=ticket.dispatch, note=mask_mobiles_in(ticket.note),
        level=ticket.level,
        station=ticket.station, responder=ticket.responder,
        times=NodeTimes(**{f"{node.value}_at": times.get(node) for node in Node}),
        minutes_to_arrive=minutes_between(times.get(Node.NOTIFIED), times.get(Node.ARRIVED)),
        released_count=ticket.released_count, released_by=ticket.released_by,
        cancelled=_masked(ticket.cancelled, "note"),
        fault_report=_masked(ticket.fault_report, "description"),
        linked_alarms=ticket.linked_alarms, rescue_method=_masked(ticket.rescue_method, "note"),
        callback=_masked(ticket.callback, "note"),
    )


def command_result(outcome: Outcome) -> CommandResult:
    ticket = outcome.ticket
    return CommandResult(ticket_id=ticket.id, ticket_no=ticket.ticket_no, version=ticket.version,
                         status=ticket.status, notification_id=outcome.notification_id,
                         linked=getattr(outcome, "linked", False))


def event_public(event: Any) -> EventPublic:
    """The event as `/events`, the dossier and exports show it: data from the public v1 schema."""
    return EventPublic(version=event.originator_version, type=type(event).__name__,
                       occurred_at=event.occurred_at, recorded_at=event.timestamp,
                       actor=event.actor, correlation_id=event.correlation_id,
                       data=public_data(event))
