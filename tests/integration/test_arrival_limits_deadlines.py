"""The dispatcher's overdue warning uses the arrival limit of the lift's district: a ticket
notified 45 minutes ago is overdue in a 30-minute district, not in a 60-minute one."""

from datetime import UTC, datetime, timedelta

from eventsourcing.persistence import Tracking

from adapters.postgres.views.deadlines import PostgresDeadlinesView
from domain.arrival_limits import ArrivalLimits
from domain.ticket import Ticket
from projections.deadlines import DeadlinesProjection

WHO = {"actor": "op", "correlation_id": "c"}
STATION = {"id": "s1", "name": "南山站", "unit_id": "u1", "kind": "station", "reason": "bound"}
LIMITS = ArrivalLimits(30, {"大鹏新区": 60})
NOTIFIED_MINUTES_AGO = 45


def notified_ticket(ref: str, district: str, notified: datetime) -> list:
    ticket = Ticket(source="96333", source_ref=ref, ticket_no=ref, lift_code="4403",
                    lift={"unit_id": "u1", "district": district}, trapped_count=1, caller=None,
                    dispatch="auto", note=None, occurred_at=notified - timedelta(minutes=1),
                    **WHO)
    ticket.notify(at=notified, station=STATION, channel="sms", **WHO)
    return ticket.collect_events()


def test_overdue_is_judged_by_each_lifts_district_limit(services):
    projection = DeadlinesProjection(PostgresDeadlinesView(services.tickets.recorder.datastore))
    notified = datetime.now(UTC) - timedelta(minutes=NOTIFIED_MINUTES_AGO)
    events = [*notified_ticket("city", "南山区", notified),
              *notified_ticket("rural", "大鹏新区", notified)]
    for n, event in enumerate(events, start=1):
        projection.process_event(event, Tracking("tickets", n))
    assert LIMITS.is_overtime("南山区", NOTIFIED_MINUTES_AGO)
    assert not LIMITS.is_overtime("大鹏新区", NOTIFIED_MINUTES_AGO)
    with services.deadlines.overdue(LIMITS) as due:
        assert [r["ticket_no"] for r in due] == ["city"]
    with services.deadlines.overdue(ArrivalLimits(30)) as due:  # Shenzhen: 30 everywhere
        assert sorted(r["ticket_no"] for r in due) == ["city", "rural"]
    with services.deadlines.overdue(ArrivalLimits(60)) as due:
        assert due == []

