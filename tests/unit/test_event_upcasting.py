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
