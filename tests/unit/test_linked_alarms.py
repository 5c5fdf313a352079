"""Linked alarms on in-memory persistence: another source's alarm for a lift with an open
ticket, within the window, joins that ticket; otherwise a new ticket opens."""

from datetime import timedelta

from dispatch.commands import CancelTicket, Context, ReceiveAlarm
from tests.unit.fakes import NOW, Clock, ticket_app

CTX = Context("operator:1", "c")
LIFT = "44030000000000012345"


def alarm(app, source: str, ref: str, minutes: float = 0, lift: str = LIFT):
    return app.receive_alarm(ReceiveAlarm(lift=lift, source=source, source_ref=ref,
                                          received_at=NOW - timedelta(minutes=90 - minutes)),
                             CTX)


def test_another_source_joins_the_open_ticket_and_its_retry_finds_it():
    app = ticket_app()
    first = alarm(app, "96333", "C-1")
    second = alarm(app, "iot", "S-1", minutes=3)
    assert (second.created, second.linked) == (False, True)
    assert second.ticket.id == first.ticket.id
    assert [type(e).__name__ for e in app.history(first.ticket.id)] == [
        "AlarmReceived", "AlarmLinked"]
    assert second.ticket.linked_alarms[0]["source_ref"] == "S-1"
    again = alarm(app, "iot", "S-1", minutes=3)
    assert (again.ticket.id, again.created, again.linked) == (first.ticket.id, False, True)
    assert len(app.history(first.ticket.id)) == 2
    assert app.ticket_id_for_source("iot", "S-1") == first.ticket.id
    repeat = alarm(app, "96333", "C-1")  # the opener's retry: the same ticket, not linked
    assert (repeat.ticket.id, repeat.created, repeat.linked) == (first.ticket.id, False, False)


def test_the_same_source_outside_the_window_or_after_cancel_opens_a_new_ticket():
    app = ticket_app()
    first = alarm(app, "96333", "C-1")
    same_source = alarm(app, "96333", "C-2", minutes=1)
    assert same_source.created and same_source.ticket.id != first.ticket.id
    late = alarm(app, "iot", "S-1", minutes=62)  # 61 minutes after C-2: outside 60
    assert late.created and not late.linked
    app.cancel_ticket(CancelTicket(ticket_id=late.ticket.id, reason="false_alarm"), CTX)
    after_cancel = alarm(app, "app", "A-1", minutes=63)
    assert after_cancel.created and after_cancel.ticket.id != late.ticket.id


def test_unknown_lifts_link_by_their_code_and_other_lifts_do_not():
    app = ticket_app(Clock())
    first = alarm(app, "96333", "C-1", lift="123456")
    assert alarm(app, "iot", "S-1", minutes=1, lift="123456").ticket.id == first.ticket.id
    assert alarm(app, "iot", "S-2", minutes=1, lift="654321").created


def test_a_zero_window_never_links():
    app = ticket_app()
    app.link_window = timedelta(0)
    alarm(app, "96333", "C-1")
    assert alarm(app, "iot", "S-1").created


def test_after_a_same_source_repeat_another_source_joins_the_first_open_ticket():
    app = ticket_app()
    first = alarm(app, "96333", "C-1")
    repeat = alarm(app, "96333", "C-2", minutes=1)
    joined = alarm(app, "iot", "S-1", minutes=2)
    assert repeat.created and joined.linked and joined.ticket.id == first.ticket.id
    app.cancel_ticket(CancelTicket(ticket_id=first.ticket.id, reason="duplicate"), CTX)
    after = alarm(app, "app", "A-1", minutes=3)  # the lift's latest joinable ticket is gone
    assert after.created and not after.linked
