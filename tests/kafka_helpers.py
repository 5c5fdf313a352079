"""Helpers for tests against the real broker: send and read messages (running roles and
polling come from tests/live.py and are re-exported here)."""

import json
from collections.abc import Callable
from typing import Any

from kafka import KafkaProducer

from tests.live import running, wait_for

__all__ = ["read_all", "running", "send", "ticket_key", "wait_for"]


def send(bootstrap: str, topic: str, messages: list[Any], key: Callable[[Any], bytes] | None = None) -> None:
    """Produce JSON messages (or raw bytes) and wait for the acknowledgement."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for message in messages:
        value = message if isinstance(message, bytes) else json.dumps(message).encode()
        producer.send(topic, key=key(message) if key else None, value=value)
    producer.flush()
    producer.close()


def ticket_key(message: Any) -> bytes | None:
    if isinstance(message, dict) and "source_ref" in message:
        return f"{message.get('source')}:{message['source_ref']}".encode()
    return None


def read_all(bootstrap: str, topic: str, idle_seconds: float = 1.0) -> list[Any]:
    """Every record in `topic` (read until idle: Tansu's end offsets are not reliable)."""
    from adapters.kafka.reference_consumer import records

    return list(records(bootstrap, topic, idle_seconds=idle_seconds))
