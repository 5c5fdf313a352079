"""A lift's alarms: which ticket is open for it, and which alarms joined that ticket.

One aggregate per lift (its id derived from the lift's code), written before the ticket: two
alarms for one lift at the same moment both try to append the same version, so only one
opens a ticket and the other, on retry, finds it and links. Uniqueness without a lookup, as
with rescue code claims."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.events import TicketEvent
from domain.values import ticket_id_for

LIFT_ALARMS_NAMESPACE = uuid.UUID("2f8c5a1e-9d3b-5c47-8e6a-4b1d7f0c3e95")


def lift_alarms_id(lift_key: str) -> uuid.UUID:
    return uuid.uuid5(LIFT_ALARMS_NAMESPACE, lift_key)


class LiftAlarms(Aggregate):
    """`ticket_id` is the lift's latest ticket (open or not: the ticket itself says)."""

    class Started(TicketEvent, Aggregate.Created):
        lift_key: str

    class TicketOpened(TicketEvent):
        ticket_id: str
        source: str

    class AlarmLinked(TicketEvent):
        source: str
        source_ref: str
        ticket_id: str

    create_id = staticmethod(lift_alarms_id)

    @event(Started)
    def __init__(self, *, lift_key: str, occurred_at: datetime, actor: str, correlation_id: str):
        self.lift_key = lift_key
        self.ticket_id: str | None = None
        self.source: str | None = None  # of the alarm that opened the latest ticket
        self.received_at: datetime | None = None
        self.links: dict[str, str] = {}

    def latest_within(self, at: datetime, window: timedelta) -> str | None:
        """The latest ticket, if it was received no more than `window` from `at`."""
        if self.ticket_id is None or self.received_at is None or window <= timedelta(0):
            return None
        return self.ticket_id if abs(at - self.received_at) <= window else None

    def link_target(self, source: str, at: datetime, window: timedelta) -> str | None:
        """The latest ticket, if an alarm from `source` at `at` may join it: received within
        `window`, and opened by another source (a source's own references are distinct
        incidents by that source's own judgement)."""
        return None if self.source == source else self.latest_within(at, window)

    def linked_ticket(self, source: str, source_ref: str) -> str | None:
        return self.links.get(f"{source}\x1f{source_ref}")

    def open_ticket(self, *, ticket_id: str, source: str, at: datetime, **who: Any) -> None:
        """The lift's new ticket (a no-op when it is already the latest: a retried alarm)."""
        if self.ticket_id != ticket_id:
            self._ticket_opened(ticket_id=ticket_id, source=source, occurred_at=at, **who)

    def link(self, *, source: str, source_ref: str, ticket_id: str, at: datetime,
             **who: Any) -> None:
        if self.linked_ticket(source, source_ref) != ticket_id:
            self._alarm_linked(source=source, source_ref=source_ref, ticket_id=ticket_id,
                               occurred_at=at, **who)

    @event(TicketOpened)
    def _ticket_opened(self, ticket_id, source, occurred_at, actor, correlation_id):
        self.ticket_id, self.source, self.received_at = ticket_id, source, occurred_at

    @event(AlarmLinked)
    def _alarm_linked(self, source, source_ref, ticket_id, occurred_at, actor, correlation_id):
        self.links[f"{source}\x1f{source_ref}"] = ticket_id


class AlarmAlias(Aggregate):
    """A linked alarm's (source, source_ref) → the ticket it joined (its id is the one a
    ticket of that alarm would have had), so node updates addressed by it find the ticket."""

    class Aliased(TicketEvent, Aggregate.Created):
        source: str
        source_ref: str
        ticket_id: str

    create_id = staticmethod(ticket_id_for)

    @event(Aliased)
    def __init__(self, *, source: str, source_ref: str, ticket_id: str, occurred_at: datetime,
                 actor: str, correlation_id: str):
        self.ticket_id = ticket_id
