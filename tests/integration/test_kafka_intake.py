"""Intake against the real broker: alarms and node updates in, idempotent, bad messages to the DLQ."""

import json
from datetime import UTC, datetime, timedelta

from tests.kafka_helpers import read_all, running, send, ticket_key, wait_for

from dispatch.errors import TicketNotFound

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def alarm(ref: str, **extra) -> dict:
    return {"kind": "alarm", "source": "iot", "source_ref": ref, "lift": "44030000000000012345",
            "received_at": START.isoformat(), "trapped_count": 1, **extra}


def node(kind: str, ref: str, minutes: int, **extra) -> dict:
    return {"kind": kind, "source": "iot", "source_ref": ref,
            "at": (START + timedelta(minutes=minutes)).isoformat(), **extra}


def walk(ref: str, callback: bool = True) -> list[dict]:
    """A whole ticket; without the callback it closes with the reason there was none."""
    ending = ([node("callback", ref, 35, confirmed_by="using_unit", note="物业确认"),
               node("close", ref, 40)] if callback else
              [node("close", ref, 40, without_callback_reason="无人接听")])
    return [alarm(ref, caller={"name": "Li", "phone": "13812345678"}),
            node("notify", ref, 1, channel="sms"),
            node("assign", ref, 2, responder={"name": "Wang", "mobile": "13912345678"}),
            node("arrive", ref, 9), node("release", ref, 12, released_count=1,
                                         released_by="rescuer", rescue_method="1"),
            node("fault_report", ref, 30, cause={"root": "3", "sub": "302"}, description="lock"),
            *ending]


def ticket(app, ref: str):
    try:
        return app.ticket(app.ticket_id_for_source("iot", ref))
    except TicketNotFound:
        return None


def test_alarms_and_node_updates_become_commands_and_redelivery_is_harmless(kservices, kafka_settings):
    app, bs = kservices.tickets, kafka_settings.kafka_bootstrap
    messages = walk("M-1") + walk("M-2", callback=False)
    send(bs, kafka_settings.kafka_alarms_topic, messages + messages, key=ticket_key)  # twice
    with running("intake", kservices):
        wait_for(lambda: all(t is not None and t.status == "closed"
                             for t in (ticket(app, "M-1"), ticket(app, "M-2"))))
        sentinel = alarm("M-sentinel")
        send(bs, kafka_settings.kafka_alarms_topic, [sentinel], key=ticket_key)
        wait_for(lambda: ticket(app, "M-sentinel") is not None)
    for ref, callback in (("M-1", ["CallbackConfirmed"]), ("M-2", [])):
        history = app.history(app.ticket_id_for_source("iot", ref))
        assert [type(e).__name__ for e in history] == [
            "AlarmReceived", "StationNotified", "ResponderAssigned", "ArrivedOnSite",
            "PassengersReleased", "FaultReportFiled", *callback, "Closed"]
        assert history[4].rescue_method == "1"
        assert history[-1].without_callback_reason == (None if callback else "无人接听")
        assert history[3].occurred_at == START + timedelta(minutes=9)
        assert history[0].actor == "kafka:iot"
    assert read_all(bs, kafka_settings.kafka_dlq_topic) == []


def test_poison_messages_go_to_dlq_with_reason_and_the_next_message_is_processed(kservices, kafka_settings):
    app, bs = kservices.tickets, kafka_settings.kafka_alarms_topic
    poison = [b"\xff not json at all", json.dumps({"kind": "alarm", "source": "iot"}).encode(),
              node("arrive", "NO-SUCH", 5),  # impossible: no ticket
              alarm("P-1"), node("arrive", "P-1", 5)]  # impossible: arrive before notify
    good = alarm("P-2")
    send(kafka_settings.kafka_bootstrap, bs, [*poison, good], key=lambda _: b"one-partition")
    with running("intake", kservices):
        wait_for(lambda: ticket(app, "P-2") is not None)
        dead = wait_for(lambda: (r := read_all(kafka_settings.kafka_bootstrap,
                                               kafka_settings.kafka_dlq_topic)) and len(r) >= 4 and r)
    assert len(dead) == 4
    reasons = {r.value: dict(r.headers)["dlq_reason"].decode() for r in dead}
    assert reasons[b"\xff not json at all"].startswith("malformed")
    assert "lift" in reasons[json.dumps({"kind": "alarm", "source": "iot"}).encode()]
    assert any(v.startswith("rejected: TicketNotFound") for v in reasons.values())
    assert any("node_out_of_order" in v for v in reasons.values())
    assert ticket(app, "P-1").status == "received"
