"""The tickets_view reducer (pure): when the maintenance side was notified, and whose station
the ticket counts under."""

from datetime import UTC, datetime, timedelta

from domain.ticket import Ticket
from projections.tickets import reduce

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
WHO = {"actor": "op", "correlation_id": "c"}
DESK = {"id": None, "name": "调度中心/119", "unit_id": None, "kind": "operators",
        "reason": "no bound station and no emergency lead"}
STATION = {"id": "s1", "name": "南山站", "unit_id": "u1", "kind": "station", "reason": "bound"}
LEAD = {"id": None, "name": "陈经理", "unit_id": "u1", "kind": "unit_lead", "reason": "unbound"}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket() -> Ticket:
    return Ticket(source="96333", source_ref="r", ticket_no="T1", lift_code="4403",
                  lift={"unit_id": "u1"}, trapped_count=1, caller=None, dispatch="auto",
                  note=None, occurred_at=T0, **WHO)


def row_of(t: Ticket, row: dict | None = None) -> dict:
    """The row after the ticket's events not yet collected, applied onto `row`."""
    for event in t.collect_events():
        row = reduce(event, row) or row
    return row


def test_the_operator_desk_does_not_start_the_clock_the_station_does():
    t = ticket()
    t.notify(at=at(1), station=DESK, channel="platform", level=3, **WHO)
    desk_only = row_of(t)
    assert desk_only["notified_at"] == at(1) and desk_only["maint_notified_at"] is None
    assert desk_only["station_id"] is None and desk_only["station_name"] is None
    t = ticket()
    t.notify(at=at(1), station=DESK, channel="platform", level=3, **WHO)
    t.notify(at=at(10), station=STATION, channel="sms", **WHO)
    t.notify(at=at(12), station={"id": "s2"}, channel="platform", **WHO)
    row = row_of(t)
    assert (row["notified_at"], row["maint_notified_at"]) == (at(1), at(10))
    assert (row["station_id"], row["station_name"]) == ("s1", "南山站")


def test_a_unit_lead_and_an_operators_notify_are_the_maintenance_side_but_not_stations():
    t = ticket()
    t.notify(at=at(2), station=LEAD, channel="sms", **WHO)
    row = row_of(t)
    assert row["maint_notified_at"] == at(2) and row["station_name"] is None
    t = ticket()
    t.notify(at=at(3), station=None, channel="platform", **WHO)  # a call centre's own notify
    assert row_of(t)["maint_notified_at"] == at(3)


def test_a_correction_of_notified_moves_the_maintenance_time_only_when_it_was_first():
    t = ticket()
    t.notify(at=at(10), station=STATION, channel="sms", **WHO)
    t.correct_time(node="notified", new=at(5), reason="log", at=at(60), **WHO)
    assert row_of(t)["maint_notified_at"] == at(5)
    t = ticket()
    t.notify(at=at(1), station=DESK, channel="platform", level=3, **WHO)
    t.notify(at=at(10), station=STATION, channel="sms", **WHO)
    t.correct_time(node="notified", new=at(2), reason="desk log", at=at(60), **WHO)
    row = row_of(t)
    assert (row["notified_at"], row["maint_notified_at"]) == (at(2), at(10))
    t.correct_time(node="notified", new=at(11), reason="desk log again", at=at(61), **WHO)
    assert row_of(t, row)["maint_notified_at"] == at(11)  # never before the first notification
