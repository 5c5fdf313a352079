"""TicketApp.receive_alarms (bulk intake path): same outcomes as one alarm at a time."""

from dispatch.commands import Context, ReceiveAlarm

CTX = Context(actor="kafka:iot", correlation_id="bulk")


def alarm(ref: str) -> tuple[ReceiveAlarm, Context]:
    return ReceiveAlarm(lift="123456", source="iot", source_ref=ref), CTX


def test_bulk_alarms_open_each_ticket_once_with_distinct_numbers(services, count_events):
    app = services.tickets
    first = app.receive_alarms([alarm("A"), alarm("B"), alarm("A")])
    assert [o.created for o in first] == [True, True, False]
    assert first[0].ticket.id == first[2].ticket.id
    assert first[0].ticket.ticket_no != first[1].ticket.ticket_no
    again = app.receive_alarms([alarm("B"), alarm("C")])  # B exists: falls back, still idempotent
    assert [o.created for o in again] == [False, True]
    assert again[0].ticket.id == first[1].ticket.id
    assert count_events() == 3
    assert app.ticket(first[0].ticket.id).source_ref == "A"
