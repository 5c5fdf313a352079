"""The public v1 event schema: an allow-list per type, masked phones, generated JSON Schemas."""

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from adapters.cli import schemas as cli_schemas
from adapters.kafka.messages import encode, event_message
from domain.ticket import Ticket
from projections import public_events
from projections.public_events import UnknownEventType, public_data, public_event

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WHO = {"actor": "operator:li", "correlation_id": "corr-7"}
LIFT = {"registration_code": "44030000000000012345", "rescue_code": "123456", "unit_id": "U-1",
        "unit_name": "Unit", "station_id": "S-1", "station_name": "North", "district": "福田区",
        "street": None, "site_type": "residential", "using_unit_code": "C-1",
        "using_unit_name": "Estate", "address": "1 Road"}
LIBRARY_FIELDS = {"originator_id", "originator_version", "originator_topic", "timestamp"}


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def whole_life(**alarm) -> list:
    """Every ticket event type, recorded by the aggregate itself."""
    fields = {"source": "96333", "source_ref": "CC-1", "ticket_no": "T20261120-000001",
              "lift_code": LIFT["registration_code"], "lift": LIFT, "trapped_count": 2,
              "caller": {"name": "L*", "phone": "138****5678"}, "dispatch": "auto",  # sealed
              "note": None} | alarm
    ticket = Ticket(**fields, occurred_at=at(0), **WHO)
    station = {"id": "S-1", "name": "North", "unit_id": "U-1", "kind": "station", "reason": "bound"}
    ticket.notify(at=at(1), station=station, channel="sms", **WHO)
    ticket.escalate(at=at(5), reason="no answer", **WHO)
    ticket.assign(at=at(6), responder={"name": "Wang", "mobile": "139****4321", "worker_id": "W1"},
                  **WHO)
    ticket.link_alarm(source="iot", source_ref="IOT-9", at=at(7), **WHO)
    ticket.arrive(at=at(10), **WHO)
    ticket.release(at=at(12), released_count=2, released_by="rescuer", **WHO)
    ticket.file_fault_report(at=at(20), cause_root="03", cause_sub="01", description="lock", **WHO)
    ticket.correct_time(node="arrived", new=at(9), reason="GPS log", at=at(21), **WHO)
    ticket.confirm_callback(at=at(25), confirmed_by="trapped_person", note=None, **WHO)
    ticket.close(at=at(30), **WHO)
    cancelled = Ticket(**(fields | {"source_ref": "CC-2"}), occurred_at=at(0), **WHO)
    cancelled.cancel(at=at(2), reason="false_alarm", note="test call", **WHO)
    return [*ticket.collect_events(), *cancelled.collect_events()]


def schema(name: str) -> dict:
    return json.loads((DOCS / name).read_text("utf-8"))


def test_every_ticket_event_type_has_a_public_shape():
    stored = {name for name, value in vars(Ticket).items()
              if isinstance(value, type) and issubclass(value, Ticket.Event)
              and value not in (Ticket.Event, Ticket.Created)}
    assert stored == set(public_events.DATA)
    assert {type(e).__name__ for e in whole_life()} == stored


def test_messages_of_a_whole_life_are_valid_and_carry_no_library_field():
    validator = jsonschema.Draft202012Validator(schema("lift.ticket-events.v1.json"))
    headers = jsonschema.Draft202012Validator(schema("lift.ticket-events.v1.headers.json"))
    for event in whole_life():
        key, value, raw_headers = encode(event_message(event, "U-1"), event.correlation_id)
        message = json.loads(value)
        validator.validate(message)
        headers.validate({name: text.decode() for name, text in raw_headers})
        assert set(message) == {"schema", "event_id", "ticket_id", "version", "type",
                                "occurred_at", "recorded_at", "unit_id", "data"}
        assert not LIBRARY_FIELDS & set(message["data"]), message["type"]
        assert "originator_topic" not in value.decode()
        assert key.decode() == message["ticket_id"] == str(event.originator_id)
        assert message["occurred_at"] == event.occurred_at.isoformat()
        assert message["data"]["actor"] == "operator:li"


def test_the_schema_refuses_a_leaked_library_field_or_an_unmasked_phone():
    validator = jsonschema.Draft202012Validator(schema("lift.ticket-events.v1.json"))
    alarm = event_message(whole_life()[0], "U-1")
    validator.validate(alarm)
    leaked = alarm | {"data": alarm["data"] | {"originator_topic": "domain.ticket:Ticket"}}
    assert not validator.is_valid(leaked)
    unmasked = alarm | {"data": alarm["data"] | {"caller": {"name": "Li", "phone": "13812345678"}}}
    assert not validator.is_valid(unmasked)
    wrong_data = alarm | {"type": "Closed"}
    assert not validator.is_valid(wrong_data)


def test_stored_extras_are_dropped_and_phones_masked_again_on_the_way_out():
    alarm = whole_life(lift=LIFT | {"internal_note": "x"},
                       caller={"name": "Li", "phone": "13812345678", "id_card": "4403"})[0]
    data = public_data(alarm)
    assert data["caller"] == {"name": "L*", "phone": "138****5678"}  # an old event's name too
    assert "internal_note" not in data["lift"] and data["lift"]["unit_id"] == "U-1"
    assert "actor" not in data and not LIBRARY_FIELDS & set(data)
    wire = json.dumps(event_message(alarm, None))
    assert "13812345678" not in wire and "id_card" not in wire and "internal_note" not in wire


def test_http_data_keeps_every_field_it_showed_before():
    for event in whole_life():
        before = {k: v for k, v in vars(event).items()
                  if k not in LIBRARY_FIELDS | {"occurred_at", "actor", "correlation_id"}}
        after = public_data(event)
        assert {k: after[k] for k in before} == before, type(event).__name__


def test_an_unmapped_event_type_fails_loudly():
    class Renamed(SimpleNamespace):
        pass

    stray = Renamed(originator_id="t", originator_version=1, timestamp=T0, occurred_at=T0,
                    actor="a", correlation_id="c")
    with pytest.raises(UnknownEventType, match="Renamed"):
        public_event(stray, None)
    with pytest.raises(UnknownEventType):
        public_data(stray)


def test_committed_schemas_equal_a_fresh_generation():
    generated = cli_schemas.generate()
    assert sorted(generated) == sorted(p.name for p in DOCS.glob("*.json"))
    assert cli_schemas.stale(DOCS) == []
    for name, body in generated.items():
        jsonschema.Draft202012Validator.check_schema(body)
        assert body["$schema"].endswith("2020-12/schema") and body["$id"], name


def test_export_writes_every_file_and_check_names_a_stale_one(tmp_path, capsys):
    def run(check: bool) -> None:
        cli_schemas.cmd_export(argparse.Namespace(out=str(tmp_path), check=check), None)

    with pytest.raises(SystemExit, match="lift.ticket-events.v1.json"):
        run(check=True)  # nothing written yet
    run(check=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(cli_schemas.generate())
    run(check=True)
    assert "up to date" in capsys.readouterr().out
    (tmp_path / "lift.alarms.v1.json").write_text("{}\n")
    with pytest.raises(SystemExit, match="lift.alarms.v1.json"):
        run(check=True)
