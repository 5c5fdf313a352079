"""Intake: `lift.alarms.v1` → the same ticket commands as HTTP; bad messages → the DLQ.

Offsets are committed only after every message of a poll is stored or dead-lettered. Messages of
one ticket (same source + source_ref) are applied in order; different tickets run in parallel.
"""

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import structlog
from eventsourcing.persistence import PersistenceError
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from psycopg_pool import ConnectionPool, PoolTimeout

from adapters.kafka.dead_letters import dead_letter
from adapters.kafka.intake_messages import AlarmMessage, parse
from adapters.kafka.topics import CONSUMER_DEFAULTS, ensure_topics, require_bootstrap, topics_of
from adapters.metrics import alarm_received
from adapters.postgres.operational_figures import DeadLetterTally
from adapters.runtime.settings import Settings
from dispatch.commands import Context
from dispatch.errors import ConcurrentUpdate, TicketNotFound, VersionMismatch
from dispatch.tickets import TicketApp
from domain.errors import DomainError

log = structlog.get_logger(__name__)
TRANSIENT = (psycopg.OperationalError, PersistenceError, PoolTimeout, ConcurrentUpdate)
REJECTED = (DomainError, TicketNotFound, VersionMismatch)
RETRY_SECONDS = 0.5
WORKERS = 8
ALARM_CHUNK = 250


class Stopped(Exception):
    """Stop was requested while a message still waited for the database."""


class Intake:
    def __init__(self, tickets: TicketApp, pool: ConnectionPool, settings: Settings):
        """Built by adapters/bootstrap.py (`build_intake`)."""
        self.app, self.bootstrap = tickets, require_bootstrap(settings)
        self.settings = settings
        self.topic, self.dlq = settings.kafka_alarms_topic, settings.kafka_dlq_topic
        self.workers = min(WORKERS, max(1, settings.db_pool_size))
        self.dead_letters = DeadLetterTally(pool)  # read by the API's /metrics

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set; a broker failure restarts from the committed offsets."""
        with ThreadPoolExecutor(self.workers, thread_name_prefix="intake") as pool:
            while not stop.is_set():
                try:
                    self._consume(pool, stop)
                except KafkaError as exc:
                    log.warning("intake_broker_unavailable", error=repr(exc))
                    stop.wait(RETRY_SECONDS * 2)

    def _consume(self, pool: ThreadPoolExecutor, stop: threading.Event) -> None:
        ensure_topics(self.bootstrap, topics_of(self.settings), self.settings.kafka_partitions)
        consumer = KafkaConsumer(
            self.topic, bootstrap_servers=self.bootstrap, group_id=self.settings.kafka_intake_group,
            enable_auto_commit=False, auto_offset_reset="earliest", max_poll_records=2000,
            client_id="liftrescue-intake", **CONSUMER_DEFAULTS)
        dlq = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5,
                            enable_idempotence=True, client_id="liftrescue-intake-dlq")
        log.info("intake_started", topic=self.topic, group=self.settings.kafka_intake_group)
        try:
            while not stop.is_set():
                self._poll_once(consumer, dlq, pool, stop)
        finally:
            consumer.close(autocommit=False)
            dlq.close(timeout=5)

    def _poll_once(self, consumer: KafkaConsumer, dlq: KafkaProducer, pool: ThreadPoolExecutor,
                   stop: threading.Event) -> None:
        batches = consumer.poll(timeout_ms=500)
        if not batches:
            return
        # Alarms first, in bulk (one transaction per chunk); then each ticket's node updates in
        # partition order, tickets in parallel. Alarms are idempotent, so going first is safe.
        alarms: list[tuple[Any, Any]] = []
        groups: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
        for records in batches.values():
            for record in records:
                parsed = parse(record.value)
                if isinstance(parsed, AlarmMessage):
                    alarms.append((record, parsed))
                elif isinstance(parsed, str):
                    groups[("unparsed", record.partition)].append((record, parsed))
                else:
                    groups[(parsed.source, parsed.source_ref)].append((record, parsed))
        chunks = [alarms[i:i + ALARM_CHUNK] for i in range(0, len(alarms), ALARM_CHUNK)]
        try:
            for future in [pool.submit(self._alarms, chunk, dlq, stop) for chunk in chunks]:
                future.result()
            for future in [pool.submit(self._handle_all, rs, dlq, stop) for rs in groups.values()]:
                future.result()
            dlq.flush(timeout=30)
            self.dead_letters.flush()
        except (Stopped, KafkaError) as exc:
            self.dead_letters.discard()
            # Nothing committed: redelivered from the last commit (commands are idempotent).
            log.warning("intake_batch_not_committed", error=repr(exc))
            for tp in batches:
                consumer.seek(tp, batches[tp][0].offset)
            return
        consumer.commit()

    def _alarms(self, items: list[tuple[Any, Any]], dlq: KafkaProducer,
                stop: threading.Event) -> None:
        requests = [(m.command(), _context(r, m.source)) for r, m in items]
        while True:
            try:
                for outcome in self.app.receive_alarms(requests):
                    alarm_received("kafka", outcome)
                return
            except REJECTED:
                break  # one bad alarm: let each be judged (and dead-lettered) on its own
            except TRANSIENT as exc:
                log.warning("intake_transient_error", error=repr(exc))
                if stop.wait(RETRY_SECONDS):
                    raise Stopped() from exc
        self._handle_all(items, dlq, stop)

    def _handle_all(self, items: list[tuple[Any, Any]], dlq: KafkaProducer,
                    stop: threading.Event) -> None:
        for record, parsed in items:
            self.handle(record, parsed, dlq, stop)

    def handle(self, record: Any, message: Any, dlq: KafkaProducer, stop: threading.Event) -> None:
        """Store one message's command, or dead-letter it; retry while the database is down."""
        if isinstance(message, str):
            self.dead_letters.add("malformed")
            return dead_letter(dlq, self.dlq, record, "malformed", message)
        while True:
            try:
                return self.apply(message, _context(record, message.source))
            except REJECTED as exc:
                code = getattr(exc, "code", type(exc).__name__)
                self.dead_letters.add("rejected")
                return dead_letter(dlq, self.dlq, record, "rejected", f"{code}: {exc}")
            except TRANSIENT as exc:
                log.warning("intake_transient_error", error=repr(exc), offset=record.offset)
                if stop.wait(RETRY_SECONDS):
                    raise Stopped() from exc

    def apply(self, message: Any, ctx: Context) -> None:
        """The HTTP commands; TicketApp.handle_once ignores a redelivered node."""
        if isinstance(message, AlarmMessage):
            alarm_received("kafka", self.app.receive_alarm(message.command(), ctx))
            return
        ticket_id = self.app.ticket_id_for_source(message.source, message.source_ref)
        self.app.handle_once(message.command(ticket_id), ctx)


def _context(record: Any, source: str) -> Context:
    headers = dict(record.headers or [])
    correlation = headers.get("correlation_id", b"").decode(errors="replace")
    where = f"{record.topic}/{record.partition}/{record.offset}"
    return Context(actor=f"kafka:{source}", correlation_id=correlation or where)

