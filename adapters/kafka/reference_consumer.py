"""Reference downstream consumer: reads `lift.ticket-events.v1`, dedupes on ce_id, rebuilds node
times.

Shows what every downstream system must do with an at-least-once relay: keep the ids it has applied
(`ce_id` = ticket_id:version) and skip repeats. The result equals the event store's node times.
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaConsumer, TopicPartition

# Event type → the node whose time it sets (first wins for notified/assigned, like the aggregate).
NODES = {"AlarmReceived": "received", "StationNotified": "notified",
         "ResponderAssigned": "assigned", "ArrivedOnSite": "arrived",
         "PassengersReleased": "released", "Closed": "closed"}
FIRST_WINS = {"notified", "assigned"}


@dataclass
class TicketTimes:
    """Downstream state: node times per ticket, plus what was seen and skipped."""

    times: dict[str, dict[str, str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    duplicates: int = 0

    def apply(self, ce_id: str, message: dict[str, Any]) -> bool:
        """Apply one message unless its ce_id was applied before; True when applied."""
        if ce_id in self.seen:
            self.duplicates += 1
            return False
        self.seen.add(ce_id)
        ticket = self.times.setdefault(message["ticket_id"], {})
        node = NODES.get(message["type"])
        if node and not (node in FIRST_WINS and node in ticket):
            ticket[node] = message["occurred_at"]
        if message["type"] == "TimeCorrected":
            ticket[message["data"]["node"]] = message["data"]["new"]
        return True


def records(bootstrap: str, topic: str, *, idle_seconds: float = 2.0,
            follow: bool = False) -> Iterator[Any]:
    """Every record of `topic` from the beginning (no group); stops when idle unless `follow`."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             client_id="liftrescue-reference-consumer")
    try:
        partitions = [TopicPartition(topic, p)
                      for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        last = time.monotonic()
        while follow or time.monotonic() - last < idle_seconds:
            for batch in consumer.poll(timeout_ms=200).values():
                last = time.monotonic()
                yield from batch
    finally:
        consumer.close()


def consume(bootstrap: str, topic: str, *, idle_seconds: float = 2.0) -> TicketTimes:
    """Read the whole topic once and return the rebuilt node times."""
    state = TicketTimes()
    for record in records(bootstrap, topic, idle_seconds=idle_seconds):
        state.apply(dict(record.headers)["ce_id"].decode(), json.loads(record.value))
    return state


def store_times(app: Any) -> dict[str, dict[str, str]]:
    """The same node times rebuilt from the event store (for comparison)."""
    state = TicketTimes()
    for notification in app.recorder.select_notifications(start=1, limit=10**9):
        event = app.mapper.to_domain_event(notification)
        from adapters.kafka.messages import event_message

        message = event_message(event, None)
        state.apply(message["event_id"], message)
    return state.times
