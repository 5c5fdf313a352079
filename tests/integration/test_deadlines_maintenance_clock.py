"""The dispatcher's overdue warning runs from the maintenance side's notification, not from the
operator desk / 119, and a correction of `notified` moves it by the same rule as the view."""

from datetime import UTC, datetime, timedelta

from eventsourcing.persistence import Tracking

from adapters.postgres.views.deadlines import PostgresDeadlinesView
from domain.ticket import Ticket
from projections.deadlines import DeadlinesProjection

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
WHO = {"actor": "op", "correlation_id": "c"}
DESK = {"id": None, "name": "调度中心/119", "kind": "operators", "reason": "unknown"}
STATION = {"id": "s1", "name": "南山站", "unit_id": "u1", "kind": "station", "reason": "bound"}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(ref: str) -> Ticket:
    return Ticket(source="96333", source_ref=ref, ticket_no=ref, lift_code="4403",
                  lift={"unit_id": "u1"}, trapped_count=1, caller=None, dispatch="auto",
                  note=None, occurred_at=T0, **WHO)


def test_overdue_clock_is_the_maintenance_sides(services):
    projection = DeadlinesProjection(PostgresDeadlinesView(services.tickets.recorder.datastore))
    desk_only, desk_first, station_first = ticket("d"), ticket("df"), ticket("sf")
    desk_only.notify(at=at(1), station=DESK, channel="platform", level=3, **WHO)
    desk_first.notify(at=at(1), station=DESK, channel="platform", level=3, **WHO)
    desk_first.notify(at=at(10), station=STATION, channel="sms", **WHO)
    desk_first.correct_time(node="notified", new=at(2), reason="desk log", at=at(60), **WHO)
    station_first.notify(at=at(10), station=STATION, channel="sms", **WHO)
    station_first.correct_time(node="notified", new=at(5), reason="log", at=at(60), **WHO)
    events = [e for t in (desk_only, desk_first, station_first) for e in t.collect_events()]
    for n, event in enumerate(events, start=1):
        projection.process_event(event, Tracking("tickets", n))

    with services.pool.connection() as conn:
        times = dict(conn.execute("SELECT ticket_no, notified_at FROM dispatch_deadlines")
                     .fetchall())
    assert times == {"d": None, "df": at(10), "sf": at(5)}
    with services.deadlines.overdue(30) as due:
        assert sorted(r["ticket_no"] for r in due) == ["df", "sf"]
