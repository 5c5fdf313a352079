"""Every invariant of the Ticket aggregate, on the pure domain model."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidTransition, InvalidValue, NodeOutOfOrder, TicketFinished
from domain.ticket import Ticket
from domain.values import ticket_id_for

T0 = datetime(2026, 11, 22, 0, 15, tzinfo=UTC)
WHO = {"actor": "op", "correlation_id": "c"}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_ticket(**overrides) -> Ticket:
    fields = dict(source="96333", source_ref="r1", ticket_no="T20261122-000001",
                  lift_code="44030000000000012345", lift=None, trapped_count=1, caller=None,
                  dispatch="auto", note=None, occurred_at=T0, **WHO)
    fields.update(overrides)
    return Ticket(**fields)


def walked(until: str) -> Ticket:
    """A ticket taken through the nodes up to and including `until` (`received`: none)."""
    ticket = new_ticket()
    if until == "received":
        return ticket
    steps = [
        ("notify", lambda t: t.notify(at=at(1), station={"id": "s1"}, channel="sms", **WHO)),
        ("assign", lambda t: t.assign(at=at(2), responder={"name": "w"}, **WHO)),
        ("arrive", lambda t: t.arrive(at=at(12), **WHO)),
        ("release", lambda t: t.release(at=at(20), released_count=1, released_by="rescuer", **WHO)),
        ("callback", lambda t: t.confirm_callback(at=at(25), confirmed_by="trapped_person",
                                                  note=None, **WHO)),
        ("close", lambda t: t.close(at=at(30), **WHO)),
    ]
    for name, step in steps:
        step(ticket)
        if name == until:
            return ticket
    return ticket


def test_ticket_id_is_deterministic_per_source_and_ref():
    assert new_ticket().id == ticket_id_for("96333", "r1")
    assert ticket_id_for("96333", "r1") != ticket_id_for("iot", "r1")
    assert ticket_id_for("96333", "r1") != ticket_id_for("96333", "r2")


def test_full_lifecycle_sets_status_and_times():
    ticket = walked("close")
    assert ticket.status == "closed"
    assert ticket.version == 7
    assert [e.__class__.__name__ for e in ticket.collect_events()] == [
        "AlarmReceived", "StationNotified", "ResponderAssigned", "ArrivedOnSite",
        "PassengersReleased", "CallbackConfirmed", "Closed"]


def test_every_event_carries_business_time_actor_and_correlation():
    ticket = walked("close")
    for e in ticket.collect_events():
        assert e.occurred_at.tzinfo is not None
        assert e.actor == "op" and e.correlation_id == "c"


REFUSED = [  # (walked up to, the refused step, what it raises, what the refusal says)
    pytest.param("received", lambda t: t.arrive(at=at(5), **WHO), NodeOutOfOrder,
                 "before a station was notified", id="arrive before notify"),
    pytest.param("received", lambda t: t.assign(at=at(5), responder={"name": "w"}, **WHO),
                 NodeOutOfOrder, None, id="assign before notify"),
    pytest.param("received", lambda t: t.notify(at=at(-1), station=None, channel="sms", **WHO),
                 NodeOutOfOrder, "earlier than received", id="notify earlier than received"),
    pytest.param("notify", lambda t: t.arrive(at=at(0.5), **WHO), NodeOutOfOrder,
                 "earlier than notified", id="arrival earlier than notification"),
    pytest.param("assign", lambda t: t.arrive(at=at(1.5), **WHO), NodeOutOfOrder,
                 "earlier than assigned", id="arrival earlier than assignment"),
    pytest.param("arrive", lambda t: t.release(at=at(11), released_count=1,
                                               released_by="rescuer", **WHO),
                 NodeOutOfOrder, "earlier than arrived", id="release earlier than arrival"),
    pytest.param("arrive", lambda t: t.arrive(at=at(13), **WHO), InvalidTransition,
                 "already arrived", id="arrive twice"),
    pytest.param("release", lambda t: t.cancel(at=at(25), reason="false_alarm", note=None,
                                                **WHO),
                 InvalidTransition, "real entrapment", id="cancel after release"),
    pytest.param("arrive", lambda t: t.close(at=at(25), **WHO), InvalidTransition, "released",
                 id="close before release"),
    pytest.param("arrive", lambda t: t.file_fault_report(at=at(25), cause_root="03",
                                                         cause_sub="01", description="d", **WHO),
                 InvalidTransition, None, id="fault report before release"),
    pytest.param("assign", lambda t: t.escalate(at=at(6), reason="no answer", **WHO),
                 InvalidTransition, "accepted", id="escalation after assignment"),
]


@pytest.mark.parametrize(("until", "step", "error", "match"), REFUSED)
def test_a_step_out_of_order_is_refused(until, step, error, match):
    ticket = walked(until)
    with pytest.raises(error, match=match):
        step(ticket)


def test_equal_times_keep_order():
    ticket = walked("notify")
    ticket.arrive(at=at(1), **WHO)
    assert ticket.status == "arrived"


def test_rescuer_release_needs_arrival_but_others_do_not():
    with pytest.raises(NodeOutOfOrder, match="before arriving"):
        walked("notify").release(at=at(5), released_count=1, released_by="rescuer", **WHO)
    ticket = new_ticket()
    ticket.release(at=at(5), released_count=1, released_by="property", **WHO)
    assert ticket.status == "released"


def test_nothing_after_close_but_a_fault_report():
    ticket = walked("close")
    with pytest.raises(TicketFinished):
        ticket.arrive(at=at(40), **WHO)
    with pytest.raises(TicketFinished):
        ticket.cancel(at=at(40), reason="other", note=None, **WHO)
    ticket.file_fault_report(at=at(40), cause_root="03", cause_sub="01", description="d", **WHO)
    assert ticket.fault_report["root"] == "03"


def test_nothing_after_cancel():
    ticket = walked("notify")
    ticket.cancel(at=at(3), reason="false_alarm", note=None, **WHO)
    assert ticket.status == "cancelled"
    for step in (lambda: ticket.assign(at=at(4), responder={"name": "w"}, **WHO),
                 lambda: ticket.notify(at=at(4), station=None, channel="sms", **WHO),
                 lambda: ticket.close(at=at(4), **WHO),
                 lambda: ticket.file_fault_report(at=at(4), cause_root="03", cause_sub="01",
                                                  description="d", **WHO)):
        with pytest.raises(TicketFinished):
            step()


def test_escalation_climbs_to_level_three_then_stops():
    ticket = walked("notify")
    ticket.escalate(at=at(6), reason="no answer", **WHO)
    ticket.escalate(at=at(11), reason="no answer", **WHO)
    assert ticket.level == 3
    with pytest.raises(InvalidTransition, match="highest"):
        ticket.escalate(at=at(16), reason="no answer", **WHO)


def test_notify_level_out_of_range_is_invalid():
    with pytest.raises(InvalidValue):
        new_ticket().notify(at=at(1), station=None, channel="sms", level=4, **WHO)


def test_first_notification_time_is_kept_when_another_station_is_notified():
    ticket = walked("notify")
    ticket.notify(at=at(6), station={"id": "s2"}, channel="sms", level=2, **WHO)
    assert ticket.times["notified"] == at(1)
    assert ticket.station == {"id": "s2"} and ticket.level == 2


def test_time_correction_moves_a_node_and_keeps_order():
    ticket = walked("release")
    ticket.correct_time(node="arrived", new=at(15), at=at(60), reason="late log", **WHO)
    assert ticket.times["arrived"] == at(15)
    with pytest.raises(NodeOutOfOrder, match="earlier than"):
        ticket.correct_time(node="arrived", new=at(0.5), at=at(60), reason="x", **WHO)
    with pytest.raises(NodeOutOfOrder, match="later than released"):
        walked("release").correct_time(node="arrived", new=at(21), at=at(60), reason="x", **WHO)


def test_time_correction_needs_a_reason_and_an_existing_node():
    with pytest.raises(InvalidValue):
        walked("arrive").correct_time(node="arrived", new=at(10), at=at(60), reason=" ", **WHO)
    with pytest.raises(InvalidTransition, match="has not happened"):
        walked("notify").correct_time(node="arrived", new=at(10), at=at(60), reason="x", **WHO)


def test_naive_times_are_refused():
    with pytest.raises(InvalidValue, match="UTC offset"):
        walked("notify").arrive(at=datetime(2026, 11, 22, 9, 0), **WHO)


def test_replay_rebuilds_identical_state():
    ticket = walked("close")
    events = ticket.collect_events()
    replayed = None
    for e in events:
        replayed = e.mutate(replayed)
    assert replayed.times == ticket.times and replayed.status == "closed"
    assert replayed.version == ticket.version
