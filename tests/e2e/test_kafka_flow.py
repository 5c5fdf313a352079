"""End to end on the real broker: alarms in → ticket events out; a SIGKILLed relay loses nothing."""

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from tests.faults.harness import report
from tests.kafka_helpers import read_all, running, send, ticket_key, wait_for

from adapters.kafka.reference_consumer import consume, store_times
from adapters.kafka.relay import RelayPosition
from dispatch.commands import Context, ReceiveAlarm

ROOT = Path(__file__).resolve().parents[2]
START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def messages_for(ref: str) -> list[dict]:
    at = lambda m: (START + timedelta(minutes=m)).isoformat()  # noqa: E731
    base = {"source": "96333", "source_ref": ref}
    return [{"kind": "alarm", **base, "lift": "44030000000000012345", "received_at": at(0)},
            {"kind": "notify", **base, "at": at(1), "channel": "phone"},
            {"kind": "arrive", **base, "at": at(20)},
            {"kind": "release", **base, "at": at(25), "released_count": 2,
             "released_by": "rescuer"}]


def test_alarm_in_events_out(kservices, kafka_settings):
    bs = kafka_settings.kafka_bootstrap
    refs = [f"E-{n}" for n in range(20)]
    send(bs, kafka_settings.kafka_alarms_topic,
         [m for ref in refs for m in messages_for(ref)], key=ticket_key)
    position = RelayPosition(kservices.pool, "ticket-events")
    with running("intake", kservices), running("relay", kservices):
        wait_for(lambda: position.load() == 80, seconds=90)
    downstream = consume(bs, kafka_settings.kafka_events_topic, idle_seconds=1)
    assert len(downstream.times) == 20
    assert downstream.times == store_times(kservices.tickets)
    one = downstream.times[str(kservices.tickets.ticket_id_for_source("96333", "E-3"))]
    assert one == {"received": START.isoformat(), "notified": (START + timedelta(minutes=1)).isoformat(),
                   "arrived": (START + timedelta(minutes=20)).isoformat(),
                   "released": (START + timedelta(minutes=25)).isoformat()}


def topic_size(bootstrap: str, topic: str) -> int:
    return len(read_all(bootstrap, topic, idle_seconds=0.5))


def relay_process(settings, tmp_path: Path) -> subprocess.Popen:
    env = os.environ | {
        "LIFTRESCUE_DATABASE_URL": settings.database_url,
        "LIFTRESCUE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "LIFTRESCUE_KAFKA_EVENTS_TOPIC": settings.kafka_events_topic,
        "LIFTRESCUE_KAFKA_ALARMS_TOPIC": settings.kafka_alarms_topic,
        "LIFTRESCUE_KAFKA_DLQ_TOPIC": settings.kafka_dlq_topic}
    log = (tmp_path / "relay.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "adapters.cli", "serve", "relay"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)


def test_relay_sigkilled_between_send_and_tracking_duplicates_only(kservices, kafka_settings,
                                                                  tmp_path, capsys):
    app, bs, topic = kservices.tickets, kafka_settings.kafka_bootstrap, kafka_settings.kafka_events_topic
    ctx = Context(actor="test", correlation_id="kill")
    for n in range(300):
        app.receive_alarm(ReceiveAlarm(lift="123456", source="phone", source_ref=f"K-{n}",
                                       received_at=START), ctx)
    position = RelayPosition(kservices.pool, "ticket-events")
    position.save(0)
    # Hold the tracking row: the relay sends and gets its ack, then blocks before tracking.
    with psycopg.connect(kafka_settings.database_url) as lock:
        lock.execute("SELECT position FROM kafka_relay_positions WHERE name = 'ticket-events' "
                     "FOR UPDATE")
        relay = relay_process(kafka_settings, tmp_path)
        try:
            wait_for(lambda: topic_size(bs, topic) >= 300, seconds=60)
        finally:
            relay.send_signal(signal.SIGKILL)
            relay.wait(timeout=10)
        lock.rollback()
    assert position.load() == 0  # acked but never tracked
    restarted = relay_process(kafka_settings, tmp_path)
    try:
        wait_for(lambda: position.load() == 300, seconds=60)
    finally:
        restarted.terminate()
        restarted.wait(timeout=20)
    downstream = consume(bs, topic, idle_seconds=1)
    assert downstream.duplicates == 300  # resent from the tracked position: duplicates only
    assert len(downstream.seen) == 300
    assert downstream.times == store_times(app)
    report(capsys, "relay SIGKILL", stored=300, delivered=len(downstream.seen) +
           downstream.duplicates, duplicates_dropped=downstream.duplicates,
           consumer_tickets=len(downstream.times))
