"""Broker stopped for 30 s during a load: the relay's backlog waits and everything is delivered."""

import threading
from datetime import UTC, datetime

import pytest
from tests.kafka_helpers import read_all, through_an_outage

from adapters.bootstrap import bootstrap
from adapters.kafka.relay import RelayPosition
from adapters.kafka.topics import ensure_topics, topics_of
from adapters.runtime.broker import start_broker
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
    try:
        tracked_at_stop, stalled, _ = through_an_outage(
            "relay", services, position, own_broker, tmp_path / "tansu.log",
            lambda stop: load(app, stop), OUTAGE_SECONDS, 60)
        # Memory storage forgets what was acked before the stop; everything after must be there.
        expected = {f"{n.originator_id}:{n.originator_version}"
                    for n in app.recorder.select_notifications(start=tracked_at_stop + 1,
                                                               limit=10**6)}
        delivered = {dict(r.headers)["ce_id"].decode()
                     for r in read_all(own_broker.bootstrap, kafka_settings.kafka_events_topic)}
    finally:
        services.close()
    assert stalled == tracked_at_stop  # nothing was tracked while the broker was down
    assert len(expected) > 100
    assert expected <= delivered
