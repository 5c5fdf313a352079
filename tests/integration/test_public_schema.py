"""Real messages against the committed JSON Schemas: a ticket's whole life relayed to the broker,
an alarm in, a dead letter and an audit checkpoint, each read back and validated."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from pydantic import SecretStr

from adapters.kafka.relay import RelayPosition
from domain.values import ticket_id_for
from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.kafka_helpers import read_all, running, send, wait_for

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
KEY = "an-audit-key-for-the-schema-tests-0123456789"
RAW_PHONES = ("13812345678", "13912345678", "13800138000", "13900139000", "13700137000")


def iso(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((DOCS / name).read_text("utf-8")))


@pytest.fixture()
def settings(kafka_settings, tmp_path):
    """The `client` fixture's app, wired to this test's broker topics and an audit key."""
    return kafka_settings.model_copy(update={
        "audit_key": SecretStr(KEY), "audit_grace_seconds": 0, "audit_checkpoint_seconds": 0.2,
        "state_dir": tmp_path, "kafka_audit_topic": f"audit-{kafka_settings.kafka_dlq_topic}"})


def post(client, path: str, body: dict) -> dict:
    response = client.post(path, json=body)
    assert response.status_code in (200, 201), (path, response.text)
    return response.json()


def whole_life(client) -> list[str]:
    """A registered lift's ticket through every node, an escalation and a correction; and an
    unknown lift's ticket, cancelled."""
    unit = make_unit(client)
    station = make_station(client, unit)
    lift = make_lift(client, unit, 7)
    ticket = post(client, "/v1/alarms", {"lift": lift, "source": "96333", "source_ref": "S-1",
                                         "received_at": iso(0), "trapped_count": 2,
                                         "caller": {"name": "李", "phone": "13812345678"}})
    path = f"/v1/tickets/{ticket['ticket_id']}"
    for step, body in [
            ("notify", {"station_id": station, "at": iso(1)}),
            ("escalate", {"reason": "no answer", "at": iso(2)}),
            ("assign", {"responder": {"name": "王师傅", "mobile": "13912345678"}, "at": iso(3)}),
            ("arrive", {"at": iso(14)}),
            ("release", {"released_count": 2, "released_by": "rescuer", "at": iso(25)}),
            ("fault-report", {"cause": {"root": "3", "sub": "302"}, "description": "门锁",
                              "at": iso(30)}),
            ("corrections", {"node": "arrived", "new": iso(13), "reason": "GPS", "at": iso(31)}),
            ("callback", {"confirmed_by": "trapped_person", "at": iso(35)}),
            ("close", {"at": iso(40)})]:
        post(client, f"{path}/{step}", body)
    unknown = post(client, "/v1/alarms", {"lift": "44039999999999999999", "source": "app",
                                          "source_ref": "S-2", "received_at": iso(0)})
    post(client, f"/v1/tickets/{unknown['ticket_id']}/cancel",
         {"reason": "false_alarm", "at": iso(5)})
    return [ticket["ticket_id"], unknown["ticket_id"]]


def test_every_relayed_event_and_checkpoint_matches_the_schema(client, settings):
    services = client.app.state.services
    ids = whole_life(client)
    last = services.tickets.recorder.max_notification_id()
    position = RelayPosition(services.pool, "ticket-events")
    with running("relay", services):
        wait_for(lambda: position.load() == last)
    records = read_all(settings.kafka_bootstrap, settings.kafka_events_topic)
    assert len(records) == last == 12
    values, headers = validator("lift.ticket-events.v1.json"), validator(
        "lift.ticket-events.v1.headers.json")
    for record in records:
        text = record.value.decode()
        values.validate(json.loads(text))
        headers.validate({name: value.decode() for name, value in record.headers})
        assert "originator" not in text and not any(phone in text for phone in RAW_PHONES)
    messages = [json.loads(r.value) for r in records]
    assert {m["type"] for m in messages} == {
        "AlarmReceived", "StationNotified", "Escalated", "ResponderAssigned", "ArrivedOnSite",
        "PassengersReleased", "FaultReportFiled", "TimeCorrected", "CallbackConfirmed", "Closed",
        "Cancelled"}
    # The same mapping behind /events: the same data, with `actor` beside it there.
    for ticket_id in ids:
        shown = client.get(f"/v1/tickets/{ticket_id}/events").json()
        sent = sorted((m for m in messages if m["ticket_id"] == ticket_id),
                      key=lambda m: m["version"])
        assert [set(m["data"]) - {"actor"} for m in sent] == [set(e["data"]) for e in shown]
        assert [m["data"]["actor"] for m in sent] == [e["actor"] for e in shown]
    alarm = next(m for m in messages if m["type"] == "AlarmReceived" and m["ticket_id"] == ids[0])
    assert alarm["unit_id"] == alarm["data"]["lift"]["unit_id"] is not None
    assert alarm["data"]["caller"]["phone"] == "138****5678"

    with running("audit-chain", services):
        wait_for(lambda: (settings.state_dir / "audit-checkpoints.jsonl").exists())
    checkpoints = read_all(settings.kafka_bootstrap, settings.kafka_audit_topic)
    assert checkpoints
    audit = validator("lift.audit-checkpoints.v1.json")
    for record in checkpoints:
        audit.validate(json.loads(record.value))
    assert {json.loads(r.value)["application"] for r in checkpoints} >= {"tickets"}


def test_an_alarm_in_and_its_dead_letter_match_their_schemas(client, settings):
    services = client.app.state.services
    alarms, dead = validator("lift.alarms.v1.json"), validator("lift.alarms.v1.dlq.headers.json")
    good = {"kind": "alarm", "source": "iot", "source_ref": "IN-1",
            "lift": "44030000000000012345", "received_at": iso(0), "trapped_count": 1,
            "caller": {"name": "Li", "phone": "13812345678"}}
    update = {"kind": "notify", "source": "iot", "source_ref": "IN-1", "at": iso(1),
              "channel": "phone"}
    refused = {"kind": "arrive", "source": "iot", "source_ref": "NO-SUCH", "at": iso(2)}
    malformed = {"kind": "alarm", "source": "iot"}
    for message in (good, update, refused):
        alarms.validate(message)
    assert not alarms.is_valid(malformed)
    send(settings.kafka_bootstrap, settings.kafka_alarms_topic,
         [good, update, refused, malformed], key=lambda _: b"one-partition")
    with running("intake", services):
        letters = wait_for(lambda: (r := read_all(settings.kafka_bootstrap,
                                                  settings.kafka_dlq_topic)) and len(r) >= 2 and r)
    assert len(letters) == 2
    for letter in letters:
        named = {name: value.decode() for name, value in letter.headers}
        dead.validate(named)
        assert named["dlq_topic"] == settings.kafka_alarms_topic
    reasons = sorted(dict(r.headers)["dlq_reason"].decode().split(":")[0] for r in letters)
    assert reasons == ["malformed", "rejected"]
    assert not dead.is_valid({"dlq_reason": "oops", "dlq_topic": "t", "dlq_partition": "0",
                              "dlq_offset": "1"})
    ticket = services.tickets.ticket(ticket_id_for("iot", "IN-1"))
    assert ticket.status == "notified"
