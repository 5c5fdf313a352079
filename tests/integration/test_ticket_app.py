"""TicketApp against a real PostgreSQL: lifecycle, replay, concurrency, duplicates."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from adapters.bootstrap import bootstrap
from dispatch.commands import (
    ArriveOnSite, AssignResponder, CloseTicket, ConfirmCallback, Context, FileFaultReport,
    NotifyStation, ReceiveAlarm, ReleasePassengers,
)
from dispatch.errors import TicketNotFound, VersionMismatch
from domain.errors import InvalidValue

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
CTX = Context(actor="operator:1", correlation_id="corr-1")
LIFECYCLE = [
    # A whole target, as the dispatcher hands it in (an id alone must name a registered one).
    (NotifyStation, 1, {"station": {"id": "s1", "name": "南山一站", "kind": "station"},
                        "channel": "sms"}),
    (AssignResponder, 3, {"responder": {"name": "王师傅", "mobile": "13912345678"}}),
    (ArriveOnSite, 14, {}),
    (ReleasePassengers, 25, {"released_count": 2, "released_by": "rescuer"}),
    (ConfirmCallback, 35, {"confirmed_by": "trapped_person"}),
    (CloseTicket, 40, {}),
]


def alarm(ref: str = "CC-1", **kw) -> ReceiveAlarm:
    return ReceiveAlarm(lift="44030000000000012345", source="96333", source_ref=ref,
                        received_at=kw.pop("received_at", T0), trapped_count=2, **kw)


def drive(app, ticket_id):
    for kind, minutes, data in LIFECYCLE:
        app.handle(kind(ticket_id=ticket_id, at=T0 + timedelta(minutes=minutes), **data), CTX)


def test_full_lifecycle_is_stored_with_business_times(services):
    app = services.tickets
    outcome = app.receive_alarm(alarm(), CTX)
    assert outcome.created and outcome.notification_id == 1
    assert outcome.ticket.ticket_no.startswith("T") and outcome.ticket.ticket_no.endswith("000001")
    drive(app, outcome.ticket.id)
    events = app.history(outcome.ticket.id)
    assert [type(e).__name__ for e in events] == [
        "AlarmReceived", "StationNotified", "ResponderAssigned", "ArrivedOnSite",
        "PassengersReleased", "CallbackConfirmed", "Closed"]
    assert [e.occurred_at for e in events] == [T0 + timedelta(minutes=m)
                                               for m in (0, 1, 3, 14, 25, 35, 40)]
    assert all(e.actor == "operator:1" and e.correlation_id == "corr-1" for e in events)
    assert events[2].responder["mobile"] == "139****5678"


def test_replay_at_every_version_matches_the_state_then(services):
    app = services.tickets
    ticket_id = app.receive_alarm(alarm(), CTX).ticket.id
    expected = {1: "received"}
    for version, (kind, minutes, data) in enumerate(LIFECYCLE, start=2):
        app.handle(kind(ticket_id=ticket_id, at=T0 + timedelta(minutes=minutes), **data), CTX)
        expected[version] = app.ticket(ticket_id).status
    fresh = bootstrap(services.settings)  # a second process's view of the same store
    try:
        for version, status in expected.items():
            past = fresh.tickets.ticket(ticket_id, version=version)
            assert (past.version, past.status) == (version, status)
        assert fresh.tickets.ticket(ticket_id).times == app.ticket(ticket_id).times
    finally:
        fresh.close()


def test_as_of_uses_record_time(services):
    app = services.tickets
    ticket_id = app.receive_alarm(alarm(), CTX).ticket.id
    app.notify_station(NotifyStation(ticket_id=ticket_id, at=T0 + timedelta(minutes=1),
                                     station=None, channel="sms"), CTX)
    first, second = app.history(ticket_id)
    assert app.ticket_as_of(ticket_id, first.timestamp).status == "received"
    assert app.ticket_as_of(ticket_id, second.timestamp).status == "notified"
    with pytest.raises(TicketNotFound):
        app.ticket_as_of(ticket_id, first.timestamp - timedelta(seconds=1))


def test_duplicate_alarm_returns_the_same_ticket_without_new_events(services, count_events):
    app = services.tickets
    first = app.receive_alarm(alarm(), CTX)
    again = app.receive_alarm(alarm(), CTX)
    assert not again.created and again.ticket.id == first.ticket.id
    assert again.ticket.ticket_no == first.ticket.ticket_no
    assert count_events() == 1


def test_concurrent_duplicate_alarms_create_one_ticket(services, count_events):
    app, results = services.tickets, []
    barrier = threading.Barrier(6)

    def send():
        barrier.wait()
        results.append(app.receive_alarm(alarm("RACE"), CTX))

    threads = [threading.Thread(target=send) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len({r.ticket.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert count_events() == 1


def test_stale_if_match_is_a_version_mismatch(services):
    app = services.tickets
    ticket_id = app.receive_alarm(alarm(), CTX).ticket.id
    step = NotifyStation(ticket_id=ticket_id, at=T0 + timedelta(minutes=1), station=None,
                         channel="sms")
    app.notify_station(step, Context("a", "c", expected_version=1))
    with pytest.raises(VersionMismatch):
        app.arrive_on_site(ArriveOnSite(ticket_id=ticket_id, at=T0 + timedelta(minutes=5)),
                           Context("b", "c", expected_version=1))


def test_two_writers_on_the_same_version_never_lose_an_update(services):
    """Two processes load version 2 and both try to save version 3: one must fail."""
    app = services.tickets
    ticket_id = app.receive_alarm(alarm(), CTX).ticket.id
    app.notify_station(NotifyStation(ticket_id=ticket_id, at=T0 + timedelta(minutes=1),
                                     station=None, channel="sms"), CTX)
    other = bootstrap(services.settings)
    try:
        mine, theirs = app.ticket(ticket_id), other.tickets.ticket(ticket_id)
        mine.arrive(at=T0 + timedelta(minutes=9), actor="a", correlation_id="c")
        theirs.assign(at=T0 + timedelta(minutes=2), responder={"name": "x"}, actor="b",
                      correlation_id="c")
        app.save(mine)
        from eventsourcing.persistence import IntegrityError

        with pytest.raises(IntegrityError):
            other.tickets.save(theirs)
    finally:
        other.close()
    assert [type(e).__name__ for e in app.history(ticket_id)][-1] == "ArrivedOnSite"


def test_conflicting_writers_without_if_match_are_rechecked_not_lost(services, monkeypatch):
    """A command that loses the race is re-evaluated on the newer state (here: refused)."""
    app = services.tickets
    ticket_id = app.receive_alarm(alarm(), CTX).ticket.id
    app.notify_station(NotifyStation(ticket_id=ticket_id, at=T0 + timedelta(minutes=1),
                                     station=None, channel="sms"), CTX)
    real_get, raced = app.ticket, []

    def racing_get(tid, version=None, unit_id=None):
        ticket = real_get(tid, version, unit_id)
        if not raced:  # a rival arrives between our read and our save
            raced.append(True)
            app.arrive_on_site(ArriveOnSite(ticket_id=tid, at=T0 + timedelta(minutes=8)), CTX)
        return ticket

    monkeypatch.setattr(app, "ticket", racing_get)
    from domain.errors import InvalidTransition

    with pytest.raises(InvalidTransition, match="already arrived"):
        app.arrive_on_site(ArriveOnSite(ticket_id=ticket_id, at=T0 + timedelta(minutes=9)), CTX)
    assert len(app.history(ticket_id)) == 3


def test_future_times_and_unknown_causes_are_invalid(services, count_events):
    app = services.tickets
    with pytest.raises(InvalidValue, match="future"):
        app.receive_alarm(alarm(received_at=datetime.now(UTC) + timedelta(hours=1)), CTX)
    ticket_id = app.receive_alarm(alarm(), CTX).ticket.id
    drive(app, ticket_id)
    with pytest.raises(InvalidValue, match="fault cause table"):
        app.file_fault_report(FileFaultReport(ticket_id=ticket_id, cause_root="3",
                                              cause_sub="77", description="x"), CTX)
    assert count_events() == 7


def test_ticket_numbers_are_unique_under_concurrency(services):
    app, numbers = services.tickets, []
    lock = threading.Lock()

    def send(i):
        outcome = app.receive_alarm(alarm(f"N{i}"), CTX)
        with lock:
            numbers.append(outcome.ticket.ticket_no)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(numbers)) == 20


def test_unknown_ticket_is_not_found(services):
    import uuid

    with pytest.raises(TicketNotFound):
        services.tickets.ticket(uuid.uuid4())
    with pytest.raises(TicketNotFound):
        services.tickets.history(uuid.uuid4())
