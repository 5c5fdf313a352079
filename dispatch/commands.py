"""Commands: what a caller asks the ticket application to do (imperative, validated upstream)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Context:
    """Who asks, under which correlation id, which version they saw (If-Match), and the unit
    they are confined to (None = all units)."""

    actor: str
    correlation_id: str
    expected_version: int | None = None
    unit_id: str | None = None


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


@dataclass(frozen=True)
class TicketStep:
    """A node or correction on an existing ticket; `kind` names the Ticket method."""

    ticket_id: UUID
    kind: str
    at: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)
