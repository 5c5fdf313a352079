"""TicketApp's commands on the library's in-memory persistence: the rules around the
aggregate (business time, masking, cause table, If-Match, redelivery) without PostgreSQL."""

from datetime import timedelta

import pytest

from dispatch.commands import (
    ArriveOnSite, AssignResponder, CancelTicket, CloseTicket, ConfirmCallback, Context,
    CorrectTime, Escalate, FileFaultReport, NotifyStation, ReceiveAlarm, ReleasePassengers,
)
from dispatch.errors import TicketNotFound, VersionMismatch
from domain.errors import InvalidTransition, InvalidValue, TicketFinished
from tests.unit.fakes import NOW, Clock, ticket_app

CTX = Context("operator:1", "corr-1")
LIFT = "44030000000000012345"


def at(minutes: float):
    return NOW - timedelta(hours=1) + timedelta(minutes=minutes)


def opened(app, ref: str = "A-1"):
    return app.receive_alarm(ReceiveAlarm(lift=LIFT, source="96333", source_ref=ref,
                                          received_at=at(0), trapped_count=2,
                                          caller={"name": "业主", "phone": "13812345678"}), CTX)


def test_each_command_records_its_event_in_order():
    app = ticket_app()
    tid = opened(app).ticket.id
    app.notify_station(NotifyStation(ticket_id=tid, at=at(1), station={"id": "s1"},
                                     channel="sms"), CTX)
    app.escalate(Escalate(ticket_id=tid, at=at(2), reason="no answer"), CTX)
    app.assign_responder(AssignResponder(ticket_id=tid, at=at(3), responder={
        "name": "王师傅", "mobile": "13912345678"}), CTX)
    app.arrive_on_site(ArriveOnSite(ticket_id=tid, at=at(14)), CTX)
    app.release_passengers(ReleasePassengers(ticket_id=tid, at=at(25), released_count=2,
                                             released_by="rescuer"), CTX)
    app.file_fault_report(FileFaultReport(ticket_id=tid, at=at(30), cause_root="03",
                                          cause_sub="01", description="门锁"), CTX)
    app.correct_time(CorrectTime(ticket_id=tid, at=at(31), node="arrived", new=at(13),
                                 reason="GPS log"), CTX)
    app.confirm_callback(ConfirmCallback(ticket_id=tid, at=at(35), confirmed_by="using_unit",
                                         note="物业确认"), CTX)
    outcome = app.close_ticket(CloseTicket(ticket_id=tid, at=at(40)), CTX)
    assert [type(e).__name__ for e in app.history(tid)] == [
        "AlarmReceived", "StationNotified", "Escalated", "ResponderAssigned", "ArrivedOnSite",
        "PassengersReleased", "FaultReportFiled", "TimeCorrected", "CallbackConfirmed", "Closed"]
    ticket = outcome.ticket
    assert ticket.status == "closed" and ticket.level == 2 and ticket.times["arrived"] == at(13)
    assert ticket.responder["mobile"] == "139****5678"
    assert ticket.caller["phone"] == "138****5678"
    assert outcome.notification_id == 10


def test_business_time_is_checked_before_anything_is_stored():
    clock = Clock()
    app = ticket_app(clock)
    tid = opened(app).ticket.id
    ahead = NOW + timedelta(minutes=3)
    with pytest.raises(InvalidValue, match="future") as caught:
        app.arrive_on_site(ArriveOnSite(ticket_id=tid, at=ahead), CTX)
    assert caught.value.field == "at"
    with pytest.raises(InvalidValue, match="2000-01-01"):
        app.notify_station(NotifyStation(ticket_id=tid, at=at(0).replace(year=1999),
                                         station=None, channel="sms"), CTX)
    clock.advance(minutes=5)  # the same time is no longer in the future
    app.notify_station(NotifyStation(ticket_id=tid, at=ahead, station=None, channel="sms"), CTX)
    assert len(app.history(tid)) == 2


def test_an_unknown_fault_cause_is_refused_with_its_field():
    app = ticket_app()
    tid = opened(app).ticket.id
    with pytest.raises(InvalidValue, match="fault cause table") as caught:
        app.file_fault_report(FileFaultReport(ticket_id=tid, cause_root="03", cause_sub="77",
                                              description="x"), CTX)
    assert caught.value.field == "cause" and len(app.history(tid)) == 1


def test_if_match_and_scope():
    app = ticket_app()
    tid = opened(app).ticket.id
    with pytest.raises(VersionMismatch):
        app.cancel_ticket(CancelTicket(ticket_id=tid, reason="false_alarm"),
                          Context("a", "c", expected_version=2))
    with pytest.raises(TicketNotFound):
        app.cancel_ticket(CancelTicket(ticket_id=tid, reason="false_alarm"),
                          Context("a", "c", unit_id="another-unit"))
    app.cancel_ticket(CancelTicket(ticket_id=tid, reason="false_alarm"),
                      Context("a", "c", expected_version=1))
    with pytest.raises(TicketFinished):
        app.arrive_on_site(ArriveOnSite(ticket_id=tid), CTX)


def test_handle_once_ignores_a_redelivered_node_but_not_a_new_one():
    app = ticket_app()
    tid = opened(app).ticket.id
    notify = NotifyStation(ticket_id=tid, at=at(1), station=None, channel="sms")
    assert app.handle_once(notify, CTX) is not None
    assert app.handle_once(notify, CTX) is None  # the same node at the same time: redelivery
    arrive = ArriveOnSite(ticket_id=tid, at=at(9))
    app.handle_once(arrive, CTX)
    assert app.handle_once(arrive, CTX) is None
    with pytest.raises(InvalidTransition, match="already arrived"):
        app.handle(ArriveOnSite(ticket_id=tid, at=at(10)), CTX)  # another time: a real repeat
    assert len(app.history(tid)) == 3


def test_the_same_alarm_twice_is_one_ticket():
    app = ticket_app()
    first, again = opened(app), opened(app)
    assert first.created and not again.created and again.ticket.id == first.ticket.id
    assert len(app.history(first.ticket.id)) == 1
