"""What TicketApp answers without changing anything: a ticket now, at a version, as of a time."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository

from dispatch.errors import TicketNotFound
from domain.ticket import Ticket
from domain.values import ticket_id_for


class TicketQueries:
    """Mixed into TicketApp (reads its `repository`)."""

    repository: Repository[UUID]
    lift_alarms: Any  # dispatch.alarm_intake.LiftAlarmsApp

    def ticket(self, ticket_id: UUID, version: int | None = None,
               unit_id: str | None = None) -> Ticket:
        """The ticket now, or as it stood at `version`; another unit's ticket is not found."""
        try:
            ticket = self.repository.get(ticket_id, version=version)
        except AggregateNotFoundError:
            raise TicketNotFound(str(ticket_id)) from None
        if not isinstance(ticket, Ticket):
            raise TicketNotFound(str(ticket_id))
        if version is not None and ticket.version != version:
            raise TicketNotFound(f"{ticket_id} has no version {version}")
        if unit_id is not None and ticket.unit_id != unit_id:
            raise TicketNotFound(str(ticket_id))
        return ticket

    def ticket_as_of(self, ticket_id: UUID, when: datetime, unit_id: str | None = None) -> Ticket:
        """The ticket as the system knew it at record time `when`."""
        history = self.history(ticket_id, unit_id=unit_id)
        versions = [e.originator_version for e in history if e.timestamp <= when]
        if not versions:
            raise TicketNotFound(f"{ticket_id} did not exist at {when.isoformat()}")
        return self.ticket(ticket_id, version=versions[-1])

    def history(self, ticket_id: UUID, unit_id: str | None = None) -> list[Any]:
        """Every stored event of the ticket, oldest first."""
        events = list(self.repository.event_store.get(ticket_id))
        if not events:
            raise TicketNotFound(str(ticket_id))
        lift = getattr(events[0], "lift", None) or {}
        if unit_id is not None and lift.get("unit_id") != unit_id:
            raise TicketNotFound(str(ticket_id))
        return events

    def ticket_id_for_source(self, source: str, source_ref: str) -> UUID:
        """The ticket an alarm opened, or the one it joined when it was linked."""
        ticket_id = ticket_id_for(source, source_ref)
        if next(iter(self.repository.event_store.get(ticket_id, lte=1)), None) is not None:
            return ticket_id
        alias = self.lift_alarms.alias(source, source_ref)
        return UUID(alias.ticket_id) if alias is not None else ticket_id
