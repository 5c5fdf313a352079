"""Dead letters: a refused message goes to the DLQ with its original bytes and the reason."""

from typing import Any, Literal

import structlog
from kafka import KafkaProducer
from pydantic import BaseModel, ConfigDict, Field

log = structlog.get_logger(__name__)
Category = Literal["malformed", "rejected"]


class DeadLetterHeaders(BaseModel):
    """Headers the DLQ adds to the original record's (values are UTF-8 strings)."""

    model_config = ConfigDict(title="lift.alarms.v1.dlq headers")

    dlq_reason: str = Field(pattern=r"^(malformed|rejected): ", max_length=1000,
                            description="`malformed: <fields>` or `rejected: <code>: <why>`")
    dlq_topic: str = Field(min_length=1, description="the topic the record was read from")
    dlq_partition: str = Field(pattern=r"^[0-9]+$")
    dlq_offset: str = Field(pattern=r"^[0-9]+$")


def dead_letter(dlq: KafkaProducer, topic: str, record: Any, category: Category,
                reason: str) -> None:
    """Original key, value and headers, plus dlq_reason / dlq_topic / dlq_partition / dlq_offset."""
    added = DeadLetterHeaders(dlq_reason=f"{category}: {reason}"[:1000], dlq_topic=record.topic,
                              dlq_partition=str(record.partition), dlq_offset=str(record.offset))
    headers = [*(record.headers or []),
               *((name, text.encode()) for name, text in added.model_dump().items())]
    dlq.send(topic, key=record.key, value=record.value, headers=headers)
    # The reason names fields, never values: message bodies stay out of the log.
    log.warning("intake_dead_lettered", category=category, reason=reason[:200],
                partition=record.partition, offset=record.offset)
