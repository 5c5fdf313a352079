"""Helpers for tests against the real broker: run roles in threads, send and read messages."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kafka import KafkaProducer

from adapters.runtime import roles as workers


@contextmanager
def running(role: str, services: Any) -> Iterator[threading.Event]:
    """Run a worker role in a thread for the duration of the block."""
    stop = threading.Event()
    thread = threading.Thread(target=workers.ROLES[role], args=(services, stop), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=30)


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


def wait_for(condition: Callable[[], Any], seconds: float = 60, every: float = 0.2) -> Any:
    """Poll until `condition()` is truthy; fail with a clear message after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {seconds} s: {condition}")
