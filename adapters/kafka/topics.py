"""Topic creation and client defaults shared by the relay, the intake and the reference consumer."""

from collections.abc import Iterable

import structlog
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from adapters.runtime.settings import Settings

log = structlog.get_logger(__name__)
# Tansu and kafka-python: the rebalance timeout is max_poll_interval_ms; the default (5 min)
# makes every group join wait that long.
CONSUMER_DEFAULTS = {"max_poll_interval_ms": 10_000, "session_timeout_ms": 10_000,
                     "heartbeat_interval_ms": 1_000}


def topics_of(settings: Settings) -> list[str]:
    return [settings.kafka_events_topic, settings.kafka_alarms_topic, settings.kafka_dlq_topic]


def ensure_topics(bootstrap: str, names: Iterable[str], partitions: int = 3) -> None:
    """Create the topics that do not exist yet (idempotent)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000,
                             client_id="liftrescue-admin")
    try:
        missing = [n for n in names if n not in set(admin.list_topics())]
        for name in missing:
            try:
                admin.create_topics([NewTopic(name, partitions, 1)])
            except TopicAlreadyExistsError:
                pass  # another process created it first
        if missing:
            log.info("kafka_topics_created", topics=missing)
    finally:
        admin.close()


def require_bootstrap(settings: Settings) -> str:
    if not settings.kafka_bootstrap:
        raise SystemExit("LIFTRESCUE_KAFKA_BOOTSTRAP is required for the Kafka roles")
    return settings.kafka_bootstrap


def broker_reachable(bootstrap: str, timeout: float = 1.0) -> bool:
    """A cheap readiness probe: some bootstrap server accepts a TCP connection."""
    import socket

    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
                return True
        except (OSError, ValueError):
            continue
    return False
