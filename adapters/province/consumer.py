"""Province consumer: the cities' `lift.upstream.v1` topics into `province_records`, exactly once
as a view.

One consumer group over every configured topic, so more province processes share the partitions.
Each poll's records of one partition are upserted (newest record_version wins; a repeat changes
nothing) and the partition's next offset is stored in the same transaction; on assignment the
consumer seeks to the stored offset, so a crash between the upsert and a Kafka commit neither
loses nor double counts a record.
"""

import json
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import structlog
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from adapters.kafka.topics import CONSUMER_DEFAULTS, ensure_topics, require_bootstrap
from adapters.runtime.settings import Settings

log = structlog.get_logger(__name__)
RETRY_SECONDS = 1.0
UPSERT = (
    "INSERT INTO province_records (city_code, record_type, record_id, record_version, "
    "business_day, body) VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (city_code, record_type, record_id) DO UPDATE SET "
    "record_version = EXCLUDED.record_version, business_day = EXCLUDED.business_day, "
    "body = EXCLUDED.body, updated_at = now() "
    "WHERE province_records.record_version < EXCLUDED.record_version")
STORE_OFFSET = (
    "INSERT INTO province_offsets AS o (topic, partition, next_offset) VALUES (%s, %s, %s) "
    "ON CONFLICT (topic, partition) DO UPDATE SET "
    "next_offset = greatest(o.next_offset, EXCLUDED.next_offset), updated_at = now()")


def topics(settings: Settings) -> list[str]:
    """The configured cities' upstream topics."""
    return [name.strip() for name in settings.province_topics.split(",") if name.strip()]


class StoredOffsets(ConsumerRebalanceListener):
    """On assignment, continue each partition from the offset stored with the records."""

    def __init__(self, consumer: KafkaConsumer, pool: ConnectionPool):
        self.consumer, self.pool = consumer, pool

    def on_partitions_revoked(self, revoked: Any) -> None:
        pass  # nothing to flush: every applied poll already stored its offsets

    def on_partitions_assigned(self, assigned: Any) -> None:
        with self.pool.connection() as conn:
            stored = {(t, p): o for t, p, o in conn.execute(
                "SELECT topic, partition, next_offset FROM province_offsets").fetchall()}
        for tp in assigned:
            if (tp.topic, tp.partition) in stored:
                self.consumer.seek(tp, stored[(tp.topic, tp.partition)])
            else:
                self.consumer.seek_to_beginning(tp)
        log.info("province_partitions_assigned", partitions=len(assigned))


class ProvinceConsumer:
    def __init__(self, pool: ConnectionPool, settings: Settings):
        """Built by adapters/bootstrap.py (`build_province`)."""
        self.pool, self.bootstrap = pool, require_bootstrap(settings)
        self.topics, self.group = topics(settings), settings.province_group
        self.partitions, self.zone = settings.kafka_partitions, ZoneInfo(settings.timezone)
        self.malformed = 0

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set; broker or database outages restart from stored offsets."""
        while not stop.is_set():
            try:
                self._consume(stop)
            except (KafkaError, psycopg.OperationalError, PoolTimeout) as exc:
                log.warning("province_consumer_retrying", error=repr(exc))
                stop.wait(RETRY_SECONDS)

    def _consume(self, stop: threading.Event) -> None:
        ensure_topics(self.bootstrap, self.topics, self.partitions)
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=self.group,
                                 enable_auto_commit=False, auto_offset_reset="earliest",
                                 client_id="liftrescue-province", **CONSUMER_DEFAULTS)
        consumer.subscribe(self.topics, listener=StoredOffsets(consumer, self.pool))
        log.info("province_started", topics=self.topics, group=self.group)
        try:
            while not stop.is_set():
                batches = consumer.poll(timeout_ms=500)
                for partition, records in batches.items():
                    self.apply(partition, records)
                if batches:
                    consumer.commit()  # for lag monitoring only: the database's offsets rule
        finally:
            consumer.close(autocommit=False)

    def apply(self, partition: TopicPartition, records: list[Any]) -> None:
        """Upsert one partition's records and store its next offset: one transaction."""
        rows = [row for row in map(self._row, records) if row is not None]
        with self.pool.connection() as conn, conn.transaction():
            if rows:
                conn.cursor().executemany(UPSERT, rows)
            conn.execute(STORE_OFFSET, (partition.topic, partition.partition,
                                        records[-1].offset + 1))

    def _row(self, record: Any) -> tuple | None:
        try:
            body = json.loads(record.value)
            day = (datetime.fromisoformat(body["received_at"]).astimezone(self.zone).date()
                   if body["record_type"] == "ticket" else None)
            return (body["city_code"], body["record_type"], body["record_id"],
                    int(body["record_version"]), day, Jsonb(body))
        except (ValueError, KeyError, TypeError) as exc:
            # Loud, and never a stuck partition: the city's reconcile shows what is missing.
            self.malformed += 1
            log.error("province_record_malformed", topic=record.topic,
                      partition=record.partition, offset=record.offset, error=repr(exc))
            return None
