"""The Kafka binding of the public event schema: key, JSON value and CloudEvents-style headers.

The value itself is `projections.public_events` (schema v1): mapped from, never equal to, stored
events.
"""

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from projections.public_events import SCHEMA_ID, public_event

CE_SOURCE = "liftrescue/tickets"


class EventHeaders(BaseModel):
    """Headers of every `lift.ticket-events.v1` record (values are UTF-8 strings)."""

    model_config = ConfigDict(extra="forbid", title="lift.ticket-events.v1 headers",
                              json_schema_serialization_defaults_required=True)

    ce_id: str = Field(description="ticket_id:version, as the value's event_id; dedupe on it")
    ce_type: str = Field(pattern=r"^lift\.ticket\.[A-Za-z]+\.v1$")
    ce_source: str = Field(CE_SOURCE, pattern=f"^{re.escape(CE_SOURCE)}$")
    ce_time: str = Field(description="the store's record time (the value's recorded_at)")
    ce_dataschema: str = Field(SCHEMA_ID, pattern=f"^{re.escape(SCHEMA_ID)}$",
                               description="the value's JSON Schema: its $id")
    correlation_id: str = Field(description="the request that caused the event ('' when none)")


def unit_of_alarm(event: Any) -> str | None:
    """The maintenance unit in an AlarmReceived's lift snapshot (None when the lift is unknown)."""
    lift = getattr(event, "lift", None)
    return lift.get("unit_id") if isinstance(lift, dict) else None


def event_message(event: Any, unit_id: str | None) -> dict[str, Any]:
    """The versioned public message for one stored ticket event, as JSON-ready values."""
    return public_event(event, unit_id).model_dump(mode="json", by_alias=True)


def encode(message: dict[str, Any], correlation_id: str | None) -> tuple[bytes, bytes, list]:
    """Key, value and CloudEvents-style headers for the producer."""
    headers = EventHeaders(ce_id=message["event_id"], ce_type=f"lift.ticket.{message['type']}.v1",
                           ce_time=message["recorded_at"], correlation_id=correlation_id or "")
    value = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return (message["ticket_id"].encode(), value,
            [(name, text.encode()) for name, text in headers.model_dump().items()])
