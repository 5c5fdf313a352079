"""Helpers for tests against the real broker: send and read messages (running roles and
polling come from tests/live.py and are re-exported here)."""

import json
import threading
import time
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


def through_an_outage(role: str, services: Any, position: Any, broker: Any, log_path: Any,
                      load: Callable[[threading.Event], None], outage_seconds: float,
                      catch_up_seconds: float) -> tuple[int, int, int]:
    """Run `role` while `load` appends, stop the broker for `outage_seconds`, restart it on the
    same port, stop the load and wait until `role` has relayed the last event: (the position
    tracked when the broker stopped, the position just before it came back, the last event)."""
    from adapters.runtime.broker import EmbeddedBroker

    stop_load = threading.Event()
    loader = threading.Thread(target=load, args=(stop_load,), daemon=True)
    try:
        with running(role, services):
            loader.start()
            wait_for(lambda: position.load() > 0)
            broker.stop()
            time.sleep(1)  # an ack received before the stop is tracked within milliseconds
            tracked_at_stop = position.load()
            time.sleep(outage_seconds)
            stalled = position.load()
            restarted = EmbeddedBroker(broker.port, log_path).start()
            broker.process = restarted.process  # the fixture stops it
            time.sleep(2)
            stop_load.set()
            loader.join(timeout=10)
            last = services.tickets.recorder.max_notification_id()
            wait_for(lambda: position.load() == last, seconds=catch_up_seconds)
    finally:
        stop_load.set()
    return tracked_at_stop, stalled, last
