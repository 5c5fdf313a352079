"""Public wire format of `lift.ticket-events.v1` (schema v1): mapped from, never equal to, stored
events."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

SCHEMA_VERSION = "1"
CE_SOURCE = "liftrescue/tickets"
# Library bookkeeping and envelope fields; everything else of an event is its public `data`.
ENVELOPE = {"originator_id", "originator_version", "timestamp", "occurred_at", "actor",
            "correlation_id"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
        return value.value  # enums
    return value


def unit_of_alarm(event: Any) -> str | None:
    """The maintenance unit in an AlarmReceived's lift snapshot (None when the lift is unknown)."""
    lift = getattr(event, "lift", None)
    return lift.get("unit_id") if isinstance(lift, dict) else None


def event_message(event: Any, unit_id: str | None) -> dict[str, Any]:
    """The versioned public message for one stored ticket event."""
    ticket_id = str(event.originator_id)
    data = {k: _plain(v) for k, v in vars(event).items() if k not in ENVELOPE}
    data["actor"] = getattr(event, "actor", None)
    return {
        "schema": SCHEMA_VERSION,
        "event_id": f"{ticket_id}:{event.originator_version}",
        "ticket_id": ticket_id,
        "version": event.originator_version,
        "type": type(event).__name__,
        "occurred_at": _plain(getattr(event, "occurred_at", event.timestamp)),
        "recorded_at": _plain(event.timestamp),
        "unit_id": unit_id,
        "data": data,
    }


def encode(message: dict[str, Any], correlation_id: str | None) -> tuple[bytes, bytes, list]:
    """Key, value and CloudEvents-style headers for the producer."""
    headers = [
        ("ce_id", message["event_id"].encode()),
        ("ce_type", f"lift.ticket.{message['type']}.v1".encode()),
        ("ce_source", CE_SOURCE.encode()),
        ("ce_time", message["recorded_at"].encode()),
        ("correlation_id", (correlation_id or "").encode()),
    ]
    value = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return message["ticket_id"].encode(), value, headers
