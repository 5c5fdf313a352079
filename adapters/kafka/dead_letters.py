"""Dead letters: a refused message goes to the DLQ with its original bytes and the reason."""

from typing import Any

import structlog
from kafka import KafkaProducer

log = structlog.get_logger(__name__)


def dead_letter(dlq: KafkaProducer, topic: str, record: Any, category: str, reason: str) -> None:
    """Original key, value and headers, plus dlq_reason / dlq_topic / dlq_partition / dlq_offset."""
    headers = [*(record.headers or []),
               ("dlq_reason", f"{category}: {reason}"[:1000].encode()),
               ("dlq_topic", record.topic.encode()),
               ("dlq_partition", str(record.partition).encode()),
               ("dlq_offset", str(record.offset).encode())]
    dlq.send(topic, key=record.key, value=record.value, headers=headers)
    # The reason names fields, never values: message bodies stay out of the log.
    log.warning("intake_dead_lettered", category=category, reason=reason[:200],
                partition=record.partition, offset=record.offset)
