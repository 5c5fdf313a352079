"""Relay: every ticket event from the notification log to `lift.ticket-events.v1`, at least once.

The position (last relayed notification id) lives in PostgreSQL and advances only after the broker
acknowledged the whole batch; a crash resends from there, so consumers dedupe on `ce_id`.
"""

import threading
from typing import Any
from uuid import UUID

import psycopg
import structlog
from eventsourcing.persistence import PersistenceError
from kafka import KafkaProducer
from kafka.errors import KafkaError
from psycopg_pool import ConnectionPool, PoolTimeout

from adapters.kafka.messages import encode, event_message, unit_of_alarm
from adapters.kafka.topics import ensure_topics, require_bootstrap, topics_of
from adapters.runtime.settings import Settings
from dispatch.tickets import TicketApp

log = structlog.get_logger(__name__)
BATCH = 1000
IDLE_SECONDS = 0.2
RETRY_SECONDS = 1.0
SEND_TIMEOUT_SECONDS = 30


class RelayPosition:
    """The last notification id the broker acknowledged, per relay name."""

    def __init__(self, pool: ConnectionPool, name: str):
        self.pool, self.name = pool, name

    def load(self) -> int:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT position FROM kafka_relay_positions WHERE name = %s",
                               (self.name,)).fetchone()
        return int(row[0]) if row else 0

    def save(self, position: int) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                "INSERT INTO kafka_relay_positions (name, position) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()",
                (self.name, position))


def make_producer(bootstrap: str) -> KafkaProducer:
    """Idempotent, acks=all, batching producer (Tansu accepts the idempotent handshake)."""
    return KafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                         linger_ms=5, batch_size=256 * 1024, max_block_ms=10_000,
                         request_timeout_ms=10_000, delivery_timeout_ms=25_000,
                         compression_type=None, client_id="liftrescue-relay")


class Relay:
    """Reads notifications after the tracked position, sends them, then advances the position."""

    def __init__(self, tickets: TicketApp, pool: ConnectionPool, settings: Settings, *,
                 name: str = "ticket-events"):
        """Built by adapters/bootstrap.py (`build_relay`)."""
        self.app, self.bootstrap = tickets, require_bootstrap(settings)
        self.topic, self.topics = settings.kafka_events_topic, topics_of(settings)
        self.partitions = settings.kafka_partitions
        self.position = RelayPosition(pool, name)
        self.producer: KafkaProducer | None = None
        self.units: dict[UUID, str | None] = {}

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set; broker outages only delay the backlog.

        Pipelined: batch N+1 is read and handed to the producer while batch N's acks arrive;
        the position moves to N only once all of N (and everything before) is acknowledged.
        """
        confirmed = self.position.load()
        cursor, pending = confirmed, None
        log.info("relay_started", position=confirmed, topic=self.topic)
        while not stop.is_set():
            try:
                batch = self.send_batch(cursor)
                if pending is not None:
                    confirmed = self.confirm(*pending)
                pending = batch
                if batch is None:
                    stop.wait(IDLE_SECONDS)
                else:
                    cursor = batch[0]
            except (KafkaError, psycopg.OperationalError, PersistenceError, PoolTimeout) as exc:
                log.warning("relay_broker_unavailable", error=repr(exc), position=confirmed)
                self._drop_producer()
                cursor, pending = confirmed, None
                stop.wait(RETRY_SECONDS)
        if pending is not None:
            try:
                self.confirm(*pending)
            except KafkaError:
                log.warning("relay_stopped_unconfirmed", position=confirmed)
        self._drop_producer()

    def send_batch(self, position: int) -> tuple[int, list[Any]] | None:
        """Hand the notifications after `position` to the producer; None when there are none."""
        notifications = self.app.recorder.select_notifications(
            start=position + 1, limit=BATCH)
        if not notifications:
            return None
        producer = self._producer()
        futures = []
        for notification in notifications:
            event = self.app.mapper.to_domain_event(notification)
            key, value, headers = encode(event_message(event, self._unit(event)),
                                         getattr(event, "correlation_id", None))
            futures.append(producer.send(self.topic, key=key, value=value, headers=headers))
        return notifications[-1].id, futures

    def confirm(self, last: int, futures: list[Any]) -> int:
        """Wait for every ack of a batch (raises on any failure), then track its last id."""
        for future in futures:
            future.get(timeout=SEND_TIMEOUT_SECONDS)
        self.position.save(last)
        log.debug("relay_batch_acked", count=len(futures), position=last)
        return last

    def _unit(self, event: Any) -> str | None:
        ticket_id = event.originator_id
        if event.originator_version == 1:
            self.units[ticket_id] = unit_of_alarm(event)
        elif ticket_id not in self.units:
            if len(self.units) > 100_000:
                self.units.clear()
            first = next(iter(self.app.repository.event_store.get(ticket_id, lte=1)), None)
            self.units[ticket_id] = unit_of_alarm(event if first is None else first)
        return self.units[ticket_id]

    def _producer(self) -> KafkaProducer:
        if self.producer is None:
            # Memory-backed brokers forget topics on restart: recreate before sending.
            ensure_topics(self.bootstrap, self.topics, self.partitions)
            self.producer = make_producer(self.bootstrap)
        return self.producer

    def _drop_producer(self) -> None:
        # A fresh producer after a failure also gets a fresh idempotence session.
        if self.producer is not None:
            try:
                self.producer.close(timeout=1)
            except Exception:  # noqa: BLE001 - closing a broken producer may fail any way
                log.debug("relay_producer_close_failed")
            self.producer = None

