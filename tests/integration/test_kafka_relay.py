"""Relay against the real broker: every ticket event out, in order per ticket, public schema."""

import json
from datetime import UTC, datetime, timedelta

from adapters.kafka.reference_consumer import consume, store_times
from adapters.kafka.relay import RelayPosition
from dispatch.commands import ArriveOnSite, AssignResponder, Context, NotifyStation, ReceiveAlarm
from tests.kafka_helpers import read_all, running, wait_for

CTX = Context(actor="test", correlation_id="corr-1")


def open_and_walk(app, ref: str) -> None:
    start = datetime.now(UTC) - timedelta(minutes=30)
    outcome = app.receive_alarm(ReceiveAlarm(lift="44030000000000012345", source="96333",
                                             source_ref=ref, received_at=start,
                                             caller={"name": "Li", "phone": "13812345678"}), CTX)
    tid = outcome.ticket.id
    app.notify_station(NotifyStation(ticket_id=tid, at=start + timedelta(minutes=1),
                                     station=None, channel="sms"), CTX)
    app.assign_responder(AssignResponder(ticket_id=tid, at=start + timedelta(minutes=2),
                                         responder={"name": "Wang", "mobile": "13912345678"}),
                         CTX)
    app.arrive_on_site(ArriveOnSite(ticket_id=tid, at=start + timedelta(minutes=10)), CTX)


def relay_through(services, last: int) -> None:
    """Run the relay role until its tracked position reaches `last`, then stop it."""
    position = RelayPosition(services.pool, "ticket-events")
    with running("relay", services):
        wait_for(lambda: position.load() == last)


def test_relay_sends_every_event_with_key_headers_and_public_message(kservices, kafka_settings):
    app = kservices.tickets
    for n in range(3):
        open_and_walk(app, f"R-{n}")
    last = app.recorder.max_notification_id()
    relay_through(kservices, last)
    records = read_all(kafka_settings.kafka_bootstrap, kafka_settings.kafka_events_topic)
    assert len(records) == last == 12
    by_ticket: dict[str, list[int]] = {}
    for record in records:
        message = json.loads(record.value)
        headers = {k: v.decode() for k, v in record.headers}
        assert record.key.decode() == message["ticket_id"]
        assert headers["ce_id"] == message["event_id"] == f"{message['ticket_id']}:{message['version']}"
        assert headers["correlation_id"] == "corr-1"
        assert {"ce_type", "ce_source", "ce_time"} <= headers.keys()
        assert set(message) >= {"event_id", "ticket_id", "version", "type", "occurred_at",
                                "recorded_at", "unit_id", "data"}
        assert "originator_id" not in message["data"]
        assert "13812345678" not in record.value.decode()
        assert "13912345678" not in record.value.decode()
        by_ticket.setdefault(message["ticket_id"], []).append(message["version"])
    assert all(versions == [1, 2, 3, 4] for versions in by_ticket.values())
    downstream = consume(kafka_settings.kafka_bootstrap, kafka_settings.kafka_events_topic,
                         idle_seconds=1)
    assert downstream.times == store_times(app)
    assert set(downstream.times[next(iter(downstream.times))]) == {"received", "notified",
                                                                   "assigned", "arrived"}


def test_relay_resumes_from_tracked_position_after_restart(kservices, kafka_settings):
    app = kservices.tickets
    open_and_walk(app, "A")
    relay_through(kservices, 4)
    open_and_walk(app, "B")
    relay_through(kservices, 8)  # a new relay run starts from the stored position
    records = read_all(kafka_settings.kafka_bootstrap, kafka_settings.kafka_events_topic)
    assert sorted(dict(r.headers)["ce_id"].decode() for r in records) == sorted(
        f"{e.originator_id}:{e.originator_version}"
        for ref in ("A", "B")
        for e in app.history(app.ticket_id_for_source("96333", ref)))


def test_cli_reference_consumer_prints_node_times(kservices, kafka_settings):
    import os
    import subprocess
    import sys
    from pathlib import Path

    app = kservices.tickets
    open_and_walk(app, "CLI")
    relay_through(kservices, 4)
    env = os.environ | {"LIFTRESCUE_KAFKA_BOOTSTRAP": kafka_settings.kafka_bootstrap}
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "kafka", "consume", "--from-beginning",
         "--topic", kafka_settings.kafka_events_topic, "--idle", "1"],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout[result.stdout.index("{\n"):])
    assert summary["tickets"] == store_times(app)
    assert summary["events"] == 4 and summary["duplicates_skipped"] == 0
