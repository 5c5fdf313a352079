"""StationNotified v2 records the notified side; a v1 event (stored before) is upcast from the
station's kind when it is read."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from eventsourcing.application import Application

from domain.ticket import Ticket

T0 = datetime(2026, 11, 20, tzinfo=UTC)
WHO = {"actor": "op", "correlation_id": "c"}
DESK = {"id": None, "name": "调度中心/119", "kind": "operators", "reason": "unknown lift"}
MAPPER = Application({"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper


def notified(station: dict | None) -> Ticket.StationNotified:
    ticket = Ticket(source="96333", source_ref="r", ticket_no="T1", lift_code="4403", lift=None,
                    trapped_count=1, caller=None, dispatch="auto", note=None, occurred_at=T0,
                    **WHO)
    ticket.notify(at=T0 + timedelta(minutes=1), station=station, channel="platform", level=3,
                  **WHO)
    return ticket.collect_events()[-1]


def as_v1(event: Ticket.StationNotified):
    """The stored record as the previous release wrote it: no `side`, no class_version."""
    record = MAPPER.to_stored_event(event)
    state = json.loads(record.state)
    assert state.pop("class_version") == 2 and state.pop("side") in ("maintenance", "operators")
    return replace(record, state=json.dumps(state).encode())


def test_v2_records_the_side_as_decided():
    assert notified(DESK).side == "operators"
    assert notified({"id": "s1", "kind": "station"}).side == "maintenance"
    assert notified(None).side == "maintenance"  # an operator's own notify: the maintenance side


def test_a_v1_station_notified_is_upcast_when_read():
    for station, side in ((DESK, "operators"), ({"id": "s1", "kind": "unit_lead"}, "maintenance"),
                          (None, "maintenance")):
        event = MAPPER.to_domain_event(as_v1(notified(station)))
        assert isinstance(event, Ticket.StationNotified)
        assert (event.side, event.station) == (side, station)


def released_and_closed() -> list:
    ticket = Ticket(source="96333", source_ref="r", ticket_no="T1", lift_code="4403", lift=None,
                    trapped_count=1, caller=None, dispatch="auto", note=None, occurred_at=T0,
                    **WHO)
    ticket.release(at=T0 + timedelta(minutes=5), released_count=1, released_by="property",
                   rescue_method="1", **WHO)
    ticket.close(at=T0 + timedelta(minutes=9), without_callback_reason="无人接听", **WHO)
    return ticket.collect_events()


def strip_v2(event, *fields: str):
    """The record as the release before issue 14 wrote it: no new fields, no class_version."""
    record = MAPPER.to_stored_event(event)
    state = json.loads(record.state)
    assert state.pop("class_version") == 2
    for name in fields:
        state.pop(name)
    return replace(record, state=json.dumps(state).encode())


def test_an_old_passengers_released_without_rescue_method_loads():
    old = strip_v2(released_and_closed()[1], "rescue_method", "rescue_note")
    assert b"rescue_method" not in old.state
    event = MAPPER.to_domain_event(old)
    assert isinstance(event, Ticket.PassengersReleased)
    assert (event.released_count, event.rescue_method, event.rescue_note) == (1, None, None)


def test_an_old_closed_loads_without_a_callback_reason():
    event = MAPPER.to_domain_event(strip_v2(released_and_closed()[2], "without_callback_reason"))
    assert isinstance(event, Ticket.Closed) and event.without_callback_reason is None


def test_an_old_ticket_replays_into_the_new_aggregate():
    events = released_and_closed()
    old = [MAPPER.to_domain_event(strip_v2(events[1], "rescue_method", "rescue_note")),
           MAPPER.to_domain_event(strip_v2(events[2], "without_callback_reason"))]
    ticket = None
    for event in [events[0], *old]:
        ticket = event.mutate(ticket)
    assert ticket.status == "closed" and ticket.rescue_method is None and ticket.callback is None
