"""An upstream record's overtime uses the arrival limit of the lift's district."""

from domain.arrival_limits import ArrivalLimits
from domain.ticket import Ticket
from projections.upstream import ticket_record
from tests.unit.test_upstream_records import CTX, LIFT, ZONE, at

NOTIFIED, ARRIVED = 1, 46  # 45 minutes to arrive


def overtime_of(district: str, limits: ArrivalLimits | None) -> str:
    ticket = Ticket(source="96333", source_ref="CC-9", ticket_no="SZ20261122-0009",
                    lift_code="123456", lift={**LIFT, "district": district}, trapped_count=1,
                    caller=None, dispatch="auto", note=None, occurred_at=at(0), **CTX)
    ticket.notify(at=at(NOTIFIED), station={"id": "s1", "name": "站", "kind": "station"},
                  channel="sms", **CTX)
    ticket.arrive(at=at(ARRIVED), **CTX)
    ticket.release(at=at(50), released_count=1, released_by="rescuer", rescue_method="1", **CTX)
    ticket.close(at=at(60), without_callback_reason="电话无人接听", **CTX)
    record = ticket_record(ticket.collect_events(), city_code="440300", overtime_minutes=30,
                           zone=ZONE, limits=limits)
    assert record is not None and record.minutes_to_arrive == ARRIVED - NOTIFIED
    return record.overtime


def test_45_minutes_is_late_in_a_30_minute_district_only():
    limits = ArrivalLimits(30, {"大鹏新区": 60})
    assert overtime_of("南山区", limits) == "late"
    assert overtime_of("大鹏新区", limits) == "none"
    assert overtime_of("大鹏新区", None) == "late"  # no limits given: 30 everywhere
