"""Linked alarms on PostgreSQL: racing alarms from several sources for one lift make one
ticket; Kafka intake links too, and node updates addressed by a linked alarm reach the ticket."""

import threading
from datetime import UTC, datetime, timedelta

from tests.kafka_helpers import read_all, running, send, wait_for

from dispatch.commands import CloseTicket, Context, ReceiveAlarm
from dispatch.errors import TicketNotFound

LIFT = "44030000000000012345"
START = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
SOURCES = ("96333", "iot", "app", "phone")


def test_concurrent_alarms_from_every_source_for_one_lift_make_one_ticket(services,
                                                                          count_events):
    app, outcomes, lock = services.tickets, [], threading.Lock()
    barrier = threading.Barrier(8)

    def send_alarm(n: int) -> None:
        barrier.wait()
        outcome = app.receive_alarm(ReceiveAlarm(lift=LIFT, source=SOURCES[n % 4],
                                                 source_ref=f"R-{n % 4}", received_at=START),
                                    Context(f"t{n}", "c"))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send_alarm, args=(n,)) for n in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(outcomes) == 8 and len({o.ticket.id for o in outcomes}) == 1
    ticket = app.ticket(outcomes[0].ticket.id)
    assert sorted(a["source"] for a in ticket.linked_alarms) == sorted(
        s for s in SOURCES if s != ticket.source)  # each other source once
    assert count_events() == 4  # one AlarmReceived + three AlarmLinked


def test_after_close_a_new_alarm_opens_a_new_ticket(services):
    app, ctx = services.tickets, Context("t", "c")
    first = app.receive_alarm(ReceiveAlarm(lift=LIFT, source="96333", source_ref="C-1",
                                           received_at=START), ctx)
    ticket = first.ticket
    from dispatch.commands import ArriveOnSite, NotifyStation, ReleasePassengers

    app.notify_station(NotifyStation(ticket_id=ticket.id, at=START + timedelta(minutes=1),
                                     station=None, channel="sms"), ctx)
    app.arrive_on_site(ArriveOnSite(ticket_id=ticket.id, at=START + timedelta(minutes=5)), ctx)
    app.release_passengers(ReleasePassengers(ticket_id=ticket.id, at=START + timedelta(
        minutes=6), released_count=1, released_by="rescuer"), ctx)
    app.close_ticket(CloseTicket(ticket_id=ticket.id, at=START + timedelta(minutes=7),
                                 without_callback_reason="无人接听"), ctx)
    later = app.receive_alarm(ReceiveAlarm(lift=LIFT, source="iot", source_ref="S-1",
                                           received_at=START + timedelta(minutes=8)), ctx)
    assert later.created and not later.linked and later.ticket.id != ticket.id


def test_kafka_intake_links_and_node_updates_follow_the_link(kservices, kafka_settings):
    app, bs = kservices.tickets, kafka_settings.kafka_bootstrap
    at = START.isoformat()
    messages = [{"kind": "alarm", "source": "96333", "source_ref": "K-1", "lift": LIFT,
                 "received_at": at},
                {"kind": "alarm", "source": "iot", "source_ref": "K-2", "lift": LIFT,
                 "received_at": at},
                {"kind": "notify", "source": "iot", "source_ref": "K-2", "channel": "sms",
                 "at": (START + timedelta(minutes=1)).isoformat()}]
    send(bs, kafka_settings.kafka_alarms_topic, messages, key=lambda _: b"one-partition")

    def notified():
        try:
            return app.ticket(app.ticket_id_for_source("96333", "K-1")).status == "notified"
        except TicketNotFound:
            return False

    with running("intake", kservices):
        wait_for(notified)
    ticket = app.ticket(app.ticket_id_for_source("96333", "K-1"))
    assert app.ticket_id_for_source("iot", "K-2") == ticket.id
    assert [type(e).__name__ for e in app.history(ticket.id)] == [
        "AlarmReceived", "AlarmLinked", "StationNotified"]
    assert read_all(bs, kafka_settings.kafka_dlq_topic) == []
