"""Commands: what a caller asks the ticket application to do (imperative, validated upstream).

Every ticket command names its ticket and an optional business time `at` (None = now)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, dataclass_transform
from uuid import UUID


@dataclass(frozen=True)
class Context:
    """Who asks, under which correlation id, which version they saw (If-Match), and the unit
    they are confined to (None = all units)."""

    actor: str
    correlation_id: str
    expected_version: int | None = None
    unit_id: str | None = None

    @property
    def who(self) -> dict[str, str]:
        """The actor and correlation id every recorded event carries."""
        return {"actor": self.actor, "correlation_id": self.correlation_id}


@dataclass(frozen=True)
class ReceiveAlarm:
    lift: str
    source: str
    source_ref: str
    received_at: datetime | None = None
    trapped_count: int | None = None
    caller: dict[str, Any] | None = None
    dispatch: str = "auto"
    note: str | None = None


@dataclass_transform(frozen_default=True, kw_only_default=True)
@dataclass(frozen=True, kw_only=True)
class TicketCommand:
    """A command on one ticket; every subclass is a frozen keyword-only dataclass too."""

    ticket_id: UUID
    at: datetime | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True, kw_only=True)(cls)


class NotifyStation(TicketCommand):
    station: dict[str, Any] | None
    channel: str
    level: int | None = None


class Escalate(TicketCommand):
    reason: str


class AssignResponder(TicketCommand):
    responder: dict[str, Any]


class ArriveOnSite(TicketCommand):
    """The responder reached the lift, and how that is known (domain/arrival.py Proof)."""
    proof: str = "reported"
    proof_detail: dict[str, Any] | None = None


class ReleasePassengers(TicketCommand):
    released_count: int
    released_by: str
    rescue_method: str | None = None
    rescue_note: str | None = None


class CancelTicket(TicketCommand):
    reason: str
    note: str | None = None


class FileFaultReport(TicketCommand):
    cause_root: str
    cause_sub: str
    description: str


class ConfirmCallback(TicketCommand):
    """回访确认: the trapped person or the using unit confirmed the rescue."""
    confirmed_by: str
    note: str | None = None


class CloseTicket(TicketCommand):
    """Close the ticket: after a callback confirmation, or with the reason there was none."""
    without_callback_reason: str | None = None


class CorrectTime(TicketCommand):
    node: str
    new: datetime
    reason: str


class LinkAlarm(TicketCommand):
    source: str
    source_ref: str
