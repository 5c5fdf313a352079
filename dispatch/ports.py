"""What the ticket application needs from the outside world, as small protocols."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol


class LiftDirectory(Protocol):
    def snapshot(self, lift_code: str) -> dict[str, Any] | None:
        """The lift's registry facts (unit, bound station, district...) or None if unknown."""


class TicketNumbers(Protocol):
    def next_number(self, at: datetime) -> str:
        """A new human ticket number for a ticket received at `at`."""


class FaultCauses(Protocol):
    def describe(self, root: str, sub: str) -> str | None:
        """The cause's name, or None when (root, sub) is not in the code table."""


class BatchSaver(Protocol):
    def submit(self, events: Sequence[Any]) -> list[Any]:
        """Store the events durably (possibly with other callers'); their recordings."""

    def stop(self) -> None:
        """Finish what is queued and stop."""


class UnknownLifts:
    """Directory used before the registry exists: every lift is unknown, routed to operators."""

    def snapshot(self, lift_code: str) -> dict[str, Any] | None:
        return None
