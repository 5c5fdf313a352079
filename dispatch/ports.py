"""What the ticket application needs from the outside world, as small protocols."""

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.arrival_limits import ArrivalLimits


class LiftDirectory(Protocol):
    def snapshot(self, lift_code: str) -> dict[str, Any] | None:
        """The lift's registry facts (unit, bound station, district...) or None if unknown."""

    def station(self, station_id: str) -> dict[str, Any] | None:
        """A registered station as a notification records it (id, name, unit), or None."""


class TicketNumbers(Protocol):
    def next_number(self, at: datetime) -> str:
        """A new human ticket number for a ticket received at `at`."""


class FaultCauses(Protocol):
    def describe(self, root: str, sub: str) -> str | None:
        """The cause's name, or None when (root, sub) is not in the code table."""

    def needs_note(self, root: str, sub: str) -> bool:
        """True for an "other" entry, which means nothing without a note."""


class BatchSaver(Protocol):
    def submit(self, events: Sequence[Any]) -> list[Any]:
        """Store the events durably (possibly with other callers'); their recordings."""

    def stop(self) -> None:
        """Finish what is queued and stop."""


class UnknownLifts:
    """Directory used before the registry exists: every lift is unknown, routed to operators."""

    def snapshot(self, lift_code: str) -> dict[str, Any] | None:
        return None

    def station(self, station_id: str) -> dict[str, Any] | None:
        return {"id": station_id}  # no registry to check against: as given


Row = dict[str, Any]


class DueDeadlines(Protocol):
    """Deadline rows due now, each held (locked) while the dispatcher acts on it."""

    # skip: `ticket_id:version` keys already acted on (the view has not caught up with them)
    def to_notify(self, skip: Sequence[str] = (),
                  limit: int = 20) -> AbstractContextManager[list[Row]]: ...
    def unanswered(self, seconds: float, skip: Sequence[str] = (),
                   limit: int = 20) -> AbstractContextManager[list[Row]]: ...
    def overdue(self, limits: ArrivalLimits) -> AbstractContextManager[list[Row]]:
        """Rescuer not on site past the arrival limit of the lift's district."""


class DeliveryReceipts(Protocol):
    def unreached(self) -> AbstractContextManager[list[Row]]:
        """Notifications whose every addressee's delivery failed."""


class Texts(Protocol):
    """The SMS outbox: each key is sent at most once."""

    receipts: DeliveryReceipts

    @property
    def channel(self) -> str:
        """What a notification through this outbox is recorded as (`log` tells nobody)."""

    def send(self, key: str, ticket_id: str, recipients: Sequence[Any], text: str) -> bool:
        """True when the gateway accepted the message (now or before)."""


class PersonalData(Protocol):
    """Phone numbers kept outside the immutable events, encrypted; events hold the reference."""

    def keep(self, kind: str, value: str) -> str:
        """Store the value (encrypted) now; its reference."""

    def reveal(self, ref: str) -> "Revealed":
        """The full value, or why it cannot be shown (purged, unknown, unreadable)."""


@dataclass(frozen=True)
class Revealed:
    value: str | None  # None: shown masked
    problem: str | None = None  # "purged", "unknown" or "unreadable" (wrong key)


class NoPersonalData:
    """Before the store exists (read-only instances, unit tests): values stay masked only."""

    def keep(self, kind: str, value: str) -> str | None:  # type: ignore[override]
        return None

    def reveal(self, ref: str) -> Revealed:
        return Revealed(None, "unknown")
