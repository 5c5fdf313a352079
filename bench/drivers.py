"""Drivers that send a synthetic city's alarms through the real API or the Kafka intake, pace
them on business time, and keep the acknowledgement ledger the fault tests check."""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

Alarm = Any  # bench.city.Alarm: anything with source_ref, received_at and body()


@dataclass
class Ledger:
    """What a driver sent and what the system acknowledged (2xx / broker ack)."""

    sent: int = 0
    acknowledged: dict[str, str] = field(default_factory=dict)  # source_ref → ticket id
    failures: dict[str, str] = field(default_factory=dict)  # source_ref → last error
    statuses: dict[int, int] = field(default_factory=dict)
    retry_after: int = 0  # 503 answers that carried Retry-After
    sent_at: dict[str, float] = field(default_factory=dict)  # source_ref → first send (epoch s)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, alarm: Alarm, status: int | None, ticket_id: str | None, error: str = ""):
        with self.lock:
            if status is not None:
                self.statuses[status] = self.statuses.get(status, 0) + 1
            if ticket_id:
                self.acknowledged[alarm.source_ref] = ticket_id
                self.failures.pop(alarm.source_ref, None)
            else:
                self.failures[alarm.source_ref] = error or str(status)


class HttpDriver:
    """POSTs alarms from `clients` threads; retries refused connections and 503s (same
    source_ref, so a retry finds the same ticket) until `give_up` seconds have passed."""

    def __init__(self, base: str, token: str, clients: int = 8, give_up: float = 60):
        self.base, self.token, self.clients, self.give_up = base, token, clients, give_up

    def send(self, items: list[Alarm], ledger: Ledger,
             pace: Callable[[Alarm], None] = lambda a: None) -> Ledger:
        queue = iter(items)
        lock = threading.Lock()

        def worker() -> None:
            with httpx.Client(base_url=self.base, timeout=10, headers={
                    "Authorization": f"Bearer {self.token}"}) as client:
                while True:
                    with lock:
                        alarm = next(queue, None)
                    if alarm is None:
                        return
                    pace(alarm)
                    with ledger.lock:
                        ledger.sent += 1
                    self._one(client, alarm, ledger)

        threads = [threading.Thread(target=worker) for _ in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return ledger

    def _one(self, client: httpx.Client, alarm: Alarm, ledger: Ledger) -> None:
        deadline = time.monotonic() + self.give_up
        ledger.sent_at.setdefault(alarm.source_ref, time.time())
        while True:
            try:
                response = client.post("/v1/alarms", json=alarm.body())
            except httpx.TransportError as exc:  # API down or killed: retry
                ledger.note(alarm, None, None, type(exc).__name__)
            else:
                if response.status_code in (200, 201):
                    ledger.note(alarm, response.status_code, response.json()["ticket_id"])
                    return
                ledger.note(alarm, response.status_code, None, response.text[:200])
                if response.status_code == 503 and response.headers.get("retry-after"):
                    with ledger.lock:
                        ledger.retry_after += 1
                if response.status_code != 503:
                    return  # a 4xx is final; it is in failures
            if time.monotonic() > deadline:
                return
            time.sleep(0.2)


class KafkaDriver:
    """Produces alarm messages to the intake topic; acknowledged = the broker acked it."""

    def __init__(self, bootstrap: str, topic: str = "lift.alarms.v1"):
        self.bootstrap, self.topic = bootstrap, topic

    def send(self, items: list[Alarm], ledger: Ledger,
             pace: Callable[[Alarm], None] = lambda a: None) -> Ledger:
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5,
                                 enable_idempotence=True)
        futures = []
        for alarm in items:
            pace(alarm)
            ledger.sent += 1
            ledger.sent_at.setdefault(alarm.source_ref, time.time())
            message = {"kind": "alarm", **alarm.body()}
            futures.append((alarm, producer.send(self.topic, key=alarm.source_ref.encode(),
                                                 value=json.dumps(message).encode())))
        producer.flush()
        for alarm, future in futures:
            try:
                future.get(timeout=30)
                ledger.note(alarm, 202, alarm.source_ref)
            except Exception as exc:  # noqa: BLE001 - recorded, not raised
                ledger.note(alarm, None, None, type(exc).__name__)
        producer.close()
        return ledger


def paced(speed: float) -> Callable[[Alarm], None]:
    """Replays business time `speed` times faster than real time (0 = as fast as possible)."""
    if speed <= 0:
        return lambda alarm: None
    origin: list[tuple[datetime, float]] = []
    lock = threading.Lock()

    def wait(alarm: Alarm) -> None:
        with lock:
            if not origin:
                origin.append((alarm.received_at, time.monotonic()))
        first, began = origin[0]
        due = began + (alarm.received_at - first).total_seconds() / speed
        time.sleep(max(0.0, due - time.monotonic()))

    return wait
