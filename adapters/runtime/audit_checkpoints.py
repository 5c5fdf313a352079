"""Signed audit checkpoints written outside the database: a JSON-lines file and a Kafka topic."""

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import structlog

from adapters.postgres.audit_chain import PostgresAuditChain
from adapters.runtime.settings import Settings
from projections import audit_checkpoint

log = structlog.get_logger(__name__)
SEND_TIMEOUT_SECONDS = 30


def checkpoint_path(settings: Settings) -> Path:
    return settings.audit_checkpoint_file or settings.state_dir / "audit-checkpoints.jsonl"


class KafkaCheckpoints:
    """Idempotent, acks=all producer to the checkpoint topic (one partition keeps the order)."""

    def __init__(self, bootstrap: str, topic: str):
        self.bootstrap, self.topic = bootstrap, topic
        self.producer = None

    def send(self, checkpoint: dict) -> None:
        from kafka import KafkaProducer

        from adapters.kafka.topics import ensure_topics

        if self.producer is None:
            ensure_topics(self.bootstrap, [self.topic], partitions=1)
            self.producer = KafkaProducer(
                bootstrap_servers=self.bootstrap, enable_idempotence=True, acks="all",
                max_block_ms=10_000, request_timeout_ms=10_000, delivery_timeout_ms=25_000,
                client_id="liftrescue-audit-checkpoints")
        try:
            self.producer.send(self.topic, key=checkpoint["application"].encode(),
                               value=json.dumps(checkpoint).encode()).get(SEND_TIMEOUT_SECONDS)
        except Exception:
            self.close()  # a fresh producer (and idempotence session) at the next attempt
            raise

    def close(self) -> None:
        if self.producer is not None:
            producer, self.producer = self.producer, None
            producer.close(timeout=5)


class CheckpointWriter:
    """Every `audit_checkpoint_seconds`, each moved chain head is signed and written out."""

    def __init__(self, chain: PostgresAuditChain, settings: Settings):
        self.chain, self.every = chain, settings.audit_checkpoint_seconds
        self.path = checkpoint_path(settings)
        self.kafka = (KafkaCheckpoints(settings.kafka_bootstrap, settings.kafka_audit_topic)
                      if settings.kafka_bootstrap else None)
        self.written: dict[str, dict[str, int]] = {"file": {}, "kafka": {}}

    def run(self, stop: threading.Event) -> None:
        """Checkpoint now, every period, and once more at stop (the newest head)."""
        try:
            while True:
                self.write()
                if stop.wait(self.every):
                    break
            self.write()
        finally:
            self.close()

    def write(self) -> list[dict]:
        """Checkpoint every head not yet written to each sink; a failing sink is logged loudly."""
        now = datetime.now(UTC).isoformat()
        try:
            heads = self.chain.heads()
        except Exception as error:  # noqa: BLE001 - the database is back at the next period
            log.error("audit_checkpoint_failed", sink="database", error=str(error))
            return []
        made = [audit_checkpoint.make(self.chain.key, application, position, head, now)
                for application, (position, head) in heads.items() if position]
        self._to("file", made, self._append)
        if self.kafka is not None:
            self._to("kafka", made, self.kafka.send)
        return made

    def _to(self, sink: str, checkpoints: list[dict], write) -> None:
        for checkpoint in checkpoints:
            if self.written[sink].get(checkpoint["application"]) == checkpoint["position"]:
                continue
            try:
                write(checkpoint)
            except Exception as error:  # noqa: BLE001 - retried at the next period, never silent
                log.error("audit_checkpoint_failed", sink=sink, error=str(error),
                          application=checkpoint["application"], position=checkpoint["position"])
                return
            self.written[sink][checkpoint["application"]] = checkpoint["position"]
            log.info("audit_checkpoint_written", sink=sink, application=checkpoint["application"],
                     position=checkpoint["position"])

    def _append(self, checkpoint: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(checkpoint, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def close(self) -> None:
        if self.kafka is not None:
            self.kafka.close()
