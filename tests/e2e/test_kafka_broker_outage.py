"""Broker stopped for 30 s during a load: the relay's backlog waits and everything is delivered."""

import threading
import time
from datetime import UTC, datetime

import pytest
from tests.kafka_helpers import read_all, running, wait_for

from adapters.bootstrap import bootstrap
from adapters.kafka.relay import RelayPosition
from adapters.kafka.topics import ensure_topics, topics_of
from adapters.runtime.broker import EmbeddedBroker, start_broker
from dispatch.commands import Context, ReceiveAlarm

OUTAGE_SECONDS = 30


@pytest.fixture()
def own_broker(tmp_path):
    """A broker this test may stop (the session broker stays up for the others)."""
    broker = start_broker(tmp_path / "tansu.log")
    yield broker
    broker.stop()


def load(app, stop: threading.Event) -> None:
    ctx, n = Context(actor="load", correlation_id="outage"), 0
    while not stop.is_set():
        app.receive_alarm(ReceiveAlarm(lift="123456", source="app", source_ref=f"L-{n}",
                                       received_at=datetime.now(UTC)), ctx)
        n += 1
        stop.wait(0.05)


@pytest.mark.slow
def test_broker_down_30s_during_load_everything_after_is_delivered(kafka_settings, own_broker,
                                                                   tmp_path):
    kafka_settings = kafka_settings.model_copy(update={"kafka_bootstrap": own_broker.bootstrap})
    ensure_topics(own_broker.bootstrap, topics_of(kafka_settings))
    services = bootstrap(kafka_settings)
    app, position = services.tickets, RelayPosition(services.pool, "ticket-events")
    stop_load = threading.Event()
    loader = threading.Thread(target=load, args=(app, stop_load), daemon=True)
    try:
        with running("relay", services):
            loader.start()
            wait_for(lambda: position.load() > 0)
            own_broker.stop()
            time.sleep(1)  # an ack received before the stop is tracked within milliseconds
            tracked_at_stop = position.load()
            time.sleep(OUTAGE_SECONDS)
            stalled = position.load()
            restarted = EmbeddedBroker(own_broker.port, tmp_path / "tansu.log").start()
            own_broker.process = restarted.process  # the fixture stops it
            time.sleep(2)
            stop_load.set()
            loader.join(timeout=10)
            last = app.recorder.max_notification_id()
            wait_for(lambda: position.load() == last, seconds=60)
        # Memory storage forgets what was acked before the stop; everything after must be there.
        expected = {f"{n.originator_id}:{n.originator_version}"
                    for n in app.recorder.select_notifications(start=tracked_at_stop + 1,
                                                               limit=10**6)}
        delivered = {dict(r.headers)["ce_id"].decode()
                     for r in read_all(own_broker.bootstrap, kafka_settings.kafka_events_topic)}
    finally:
        stop_load.set()
        services.close()
    assert stalled == tracked_at_stop  # nothing was tracked while the broker was down
    assert len(expected) > 100
    assert expected <= delivered
