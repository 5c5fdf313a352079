"""Broker stopped while tickets close: the upstream relay tracks nothing during the outage and
afterwards delivers every record; its ledger holds each closed ticket exactly once."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from adapters.bootstrap import bootstrap
from adapters.kafka.relay import RelayPosition
from adapters.runtime.broker import start_broker
from domain.ticket import Ticket
from tests.e2e.upstream_helpers import rescue
from tests.kafka_helpers import read_all, through_an_outage

OUTAGE_SECONDS = 5
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


@pytest.fixture()
def own_broker(tmp_path):
    """A broker this test may stop (the session broker stays up for the others)."""
    broker = start_broker(tmp_path / "tansu.log")
    yield broker
    broker.stop()


def close_tickets(services, stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        rescue(services, "44030000000000000001", f"OUT-{n}", T0 + timedelta(seconds=n), 10, n)
        n += 1
        stop.wait(0.05)


@pytest.mark.slow
def test_broker_down_while_tickets_close_every_record_is_delivered(kafka_settings, own_broker,
                                                                  tmp_path):
    settings = kafka_settings.model_copy(update={
        "kafka_bootstrap": own_broker.bootstrap,
        "kafka_upstream_topic": f"{kafka_settings.kafka_events_topic}-upstream"})
    services = bootstrap(settings)
    app, position = services.tickets, RelayPosition(services.pool, "upstream-tickets")
    try:
        tracked_at_stop, stalled, _ = through_an_outage(
            "upstream", services, position, own_broker, tmp_path / "tansu.log",
            lambda stop: close_tickets(services, stop), OUTAGE_SECONDS, 90)
        closed = {app.repository.get(n.originator_id).ticket_no: n.id
                  for n in app.recorder.select_notifications(start=1, limit=10**6)
                  if n.topic.endswith(Ticket.Closed.__qualname__)}
        delivered = {(dict(r.headers)["record_id"].decode(),
                      dict(r.headers)["record_version"].decode())
                     for r in read_all(own_broker.bootstrap, settings.kafka_upstream_topic)}
        with services.pool.connection() as conn:
            ledger = conn.execute("SELECT record_id, record_version FROM upstream_records "
                                  "WHERE record_type = 'ticket'").fetchall()
    finally:
        services.close()
    assert stalled == tracked_at_stop  # nothing was tracked while the broker was down
    after = {(no, "1") for no, notification_id in closed.items()
             if notification_id > tracked_at_stop}
    assert len(after) > 5
    assert after <= delivered  # memory storage forgot what was acked before the stop
    assert sorted(ledger) == sorted((no, 1) for no in closed)  # each once, none lost
