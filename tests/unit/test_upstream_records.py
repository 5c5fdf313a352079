"""Upstream records (数据归集) from a ticket's events: the data elements, versions, no personal data."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from adapters import reference
from domain.registry.lift import Lift
from domain.ticket import Ticket
from projections.upstream import business_day, lift_record, record_version, ticket_record
from projections.upstream_models import LiftRecord, TicketRecord

T0 = datetime(2026, 11, 21, 16, 30, tzinfo=UTC)  # 00:30 on the 22nd in Shanghai
ZONE = ZoneInfo("Asia/Shanghai")
CTX = {"actor": "op:1", "correlation_id": "c"}
LIFT = {"registration_code": "44030000000000012345", "rescue_code": "123456", "unit_id": "u1",
        "unit_name": "安达维保", "station_name": "南山一站", "district": "南山区",
        "using_unit_name": "海德物业", "site_type": "住宅"}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def released_ticket() -> Ticket:
    ticket = Ticket(source="96333", source_ref="CC-1", ticket_no="SZ20261122-0001",
                    lift_code="123456", lift=LIFT, trapped_count=2,
                    caller={"name": "李先生", "phone": "138****5678"}, dispatch="auto",
                    note=None, occurred_at=at(0), **CTX)
    ticket.notify(at=at(1), station={"id": "s1", "name": "南山一站", "kind": "station"},
                  channel="sms", **CTX)
    ticket.assign(at=at(3), responder={"name": "王师傅", "mobile": "139****0000"}, **CTX)
    ticket.arrive(at=at(36), **CTX)  # 35 minutes after the notification: late
    ticket.release(at=at(40), released_count=2, released_by="rescuer", rescue_method="1", **CTX)
    return ticket


def record_of(events) -> TicketRecord | None:
    return ticket_record(events, city_code="440300", overtime_minutes=30, zone=ZONE,
                         previous_causes={"03": "3"})


def test_record_fields_are_the_data_elements():
    elements = reference.load("data_elements")
    envelope = {"schema", "record_type", "city_code", "record_id", "record_version"}
    # Beside the elements, the envelope says which required ones a record cannot fill.
    assert set(TicketRecord.model_fields) - {"schema_", "record_type", "missing_elements"} == {
        key for key, *_ in elements["record"]}
    assert {f.alias or n for n, f in LiftRecord.model_fields.items()} == envelope | {
        key for key, *_ in elements["lift"]}


def test_close_sends_version_1_and_each_later_fix_the_next():
    ticket = released_ticket()
    ticket.file_fault_report(at=at(50), cause_root="03", cause_sub="01", description="门锁", **CTX)
    ticket.close(at=at(60), without_callback_reason="电话无人接听", **CTX)
    ticket.correct_time(node="arrived", new=at(20), reason="GPS 记录", at=at(70), **CTX)
    events = ticket.collect_events()
    versions = [record_version(events[: n + 1]) for n in range(len(events))]
    assert versions == [None] * 6 + [1, 2]
    first, second = record_of(events[:7]), record_of(events)
    assert (first.record_id, first.record_version, second.record_version) == (
        "SZ20261122-0001", 1, 2)
    assert (first.overtime, first.minutes_to_arrive, first.minutes_to_respond) == ("late", 35, 2)
    assert (second.overtime, second.minutes_to_arrive) == ("none", 19)
    assert (first.cause_category, first.cause_code, first.cause_note) == ("3", None, "门锁")
    assert (first.alarm_source, first.released_by, first.response_level) == ("96333", "rescuer", 1)
    assert first.received_at.utcoffset() == timedelta(hours=8)
    assert business_day(first, ZONE).isoformat() == "2026-11-22"
    assert not first.false_alarm


def test_a_cancelled_ticket_is_a_false_alarm_record_without_personal_data():
    ticket = Ticket(source="app", source_ref="A-1", ticket_no="SZ20261122-0002",
                    lift_code="44030000000000099999", lift=None, trapped_count=None,
                    caller={"name": "张三", "phone": "138****1234"}, dispatch="auto", note=None,
                    occurred_at=at(0), **CTX)
    ticket.notify(at=at(1), station=None, channel="phone", **CTX)
    ticket.cancel(at=at(2), reason="false_alarm", note=None, **CTX)
    record = record_of(ticket.collect_events())
    assert (record.false_alarm, record.overtime, record.record_version) == (True, "none", 1)
    assert record.closed_at == at(2)
    body = json.dumps(record.model_dump(mode="json", by_alias=True), ensure_ascii=False)
    assert "张三" not in body and "1234" not in body and "caller" not in body


def test_a_lift_record_follows_the_lift_out_of_service():
    lift = Lift.register(code=LIFT["registration_code"], facts={
        "unit_id": "u1", "using_unit": {"code": "U1", "name": "海德物业"},
        "address": "海德三道 88 号", "district": "南山区", "rescue_code": "123456"}, **CTX)
    first = lift_record(lift, version=lift.version, city_code="440300", unit_name="安达维保",
                        station_name=None)
    lift.take_out_of_service(since=at(0), now=at(1), **CTX)
    second = lift_record(lift, version=lift.version, city_code="440300", unit_name="安达维保",
                         station_name=None)
    assert (first.in_service, first.record_version, first.using_unit_code) == (True, 1, "U1")
    assert (second.in_service, second.record_version, second.record_id) == (
        False, 2, LIFT["registration_code"])


def test_a_duplicate_sends_no_record_and_a_note_keeps_no_mobile():
    """[16-qa] A duplicate ticket is the same entrapment as another: it is neither a false
    alarm nor a second entrapment upstream. A mobile typed into the fault note is masked."""
    ticket = Ticket(source="app", source_ref="A-2", ticket_no="SZ20261122-0003",
                    lift_code=LIFT["registration_code"], lift=LIFT, trapped_count=1,
                    caller=None, dispatch="auto", note=None, occurred_at=at(0), **CTX)
    ticket.cancel(at=at(2), reason="duplicate", note="同 SZ20261122-0001", **CTX)
    events = ticket.collect_events()
    assert record_of(events) is None
    other = Ticket(source="app", source_ref="A-3", ticket_no="SZ20261122-0004",
                   lift_code=LIFT["registration_code"], lift=LIFT, trapped_count=1,
                   caller=None, dispatch="auto", note=None, occurred_at=at(0), **CTX)
    other.cancel(at=at(2), reason="other", note=None, **CTX)
    assert record_of(other.collect_events()).false_alarm  # not an entrapment either way
    fixed = released_ticket()
    fixed.file_fault_report(at=at(50), cause_root="7", cause_sub="700",
                            description="业主王先生13912345678称门被撬", **CTX)
    fixed.close(at=at(60), without_callback_reason="电话无人接听", **CTX)
    record = record_of(fixed.collect_events())
    assert record.cause_note == "业主王先生139****5678称门被撬"
    body = json.dumps(record.model_dump(mode="json", by_alias=True), ensure_ascii=False)
    assert "13912345678" not in body


def test_required_elements_match_the_reference_table():
    from projections.upstream_models import REQUIRED_TICKET

    table = reference.load("data_elements")
    assert set(REQUIRED_TICKET) == {name for name, *_, required in table["record"] if required}


def test_a_record_says_which_required_elements_it_cannot_fill():
    from projections.upstream_models import missing_elements

    whole = {"city_code": "440300", "record_id": "T1", "record_version": 1,
             "registration_code": "44030000000000000001", "district": "南山区",
             "maintenance_unit_name": "安达", "alarm_source": "96333", "received_at": "x",
             "false_alarm": False, "overtime": "no"}
    assert missing_elements(whole) == []
    unknown = whole | {"registration_code": "123456", "district": None,
                       "maintenance_unit_name": None}
    assert sorted(missing_elements(unknown)) == ["district", "maintenance_unit_name",
                                                 "registration_code"]


def test_a_ticket_on_an_unknown_lift_is_sent_saying_what_it_lacks():
    ticket = Ticket(source="96333", source_ref="CC-9", ticket_no="SZ20261122-0009",
                    lift_code="654321", lift=None, trapped_count=1, caller=None,
                    dispatch="operator", note=None, occurred_at=at(0), **CTX)
    ticket.cancel(at=at(5), reason="false_alarm", note=None, **CTX)
    record = record_of(ticket.collect_events())
    assert record is not None and record.registration_code == "654321"
    assert sorted(record.missing_elements) == ["district", "maintenance_unit_name",
                                               "registration_code"]
