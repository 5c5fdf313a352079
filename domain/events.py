"""What every recorded event carries besides the library's bookkeeping."""

from datetime import datetime

from eventsourcing.domain import Aggregate


class TicketEvent(Aggregate.Event):
    """A ticket event: business time (`occurred_at`), who did it, and the request it came from."""

    occurred_at: datetime
    actor: str
    correlation_id: str


class RegistryEvent(Aggregate.Event):
    """A registry change: who made it and the request it came from. No business time: a
    registry fact is true from when it is recorded (the library's `timestamp`)."""

    actor: str
    correlation_id: str
