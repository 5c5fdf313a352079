"""Events stored by earlier releases load through today's applications on PostgreSQL: the
topics (`domain.ticket:Ticket.AlarmReceived`...) still resolve, and StationNotified, stored
in its v1 shape (no `side`), is upcast to v2.

The fixture rows were written by tests/fixtures/capture_stored_events.py run against the
domain of release 2733b48 (and a210a01 for rescue code claims, which arrived in issue 12)."""

import json
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from adapters.postgres.connection import eventsourcing_env
from dispatch.registry import RegistryApp
from dispatch.tickets import TicketApp
from domain.registry.lift import Lift
from domain.registry.rescue_code import RescueCodeClaim
from domain.registry.station import RescueStation
from domain.registry.unit import MaintenanceUnit
from domain.ticket import Ticket
from projections.tickets import reduce

ROWS = json.loads((Path(__file__).parents[1] / "fixtures" /
                   "stored_events_2733b48.json").read_text())


def stored(rows: list[dict]) -> list[StoredEvent]:
    return [StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"],
                        r["state"].encode()) for r in rows]


def test_old_ticket_and_registry_events_load_and_project(database_url):
    env = {**eventsourcing_env(database_url, pool_size=2, lock_timeout=5), "CREATE_TABLE": "y"}
    tickets, registry = TicketApp(env), RegistryApp(env)
    try:
        tickets.recorder.insert_events(stored(ROWS["tickets"]))
        registry.recorder.insert_events(stored(ROWS["registry"] + ROWS["registry_issue12"]))
        closed_id, cancelled_id = (UUID(r["originator_id"]) for r in ROWS["tickets"]
                                   if r["originator_version"] == 1)
        closed, cancelled = tickets.ticket(closed_id), tickets.ticket(cancelled_id)
        assert (closed.status, closed.version, closed.level) == ("closed", 10, 2)
        assert closed.fault_report["root"] == "03" and closed.responder["name"] == "王师傅"
        assert [(a["source"], a["source_ref"]) for a in closed.linked_alarms] == [("iot", "IOT-1")]
        assert (cancelled.status, cancelled.station["kind"]) == ("cancelled", "operators")
        history = tickets.history(closed_id) + tickets.history(cancelled_id)
        assert all(isinstance(e, Ticket.Event) for e in history)
        notified = [e for e in history if isinstance(e, Ticket.StationNotified)]
        assert [e.side for e in notified] == ["maintenance", "operators"]  # upcast v1 → v2
        row = None
        for event in tickets.history(closed_id):
            row = reduce(event, row) or row
        assert (row["status"], row["maint_notified_at"]) == ("closed", closed.times["notified"])
        row = None
        for event in tickets.history(cancelled_id):
            row = reduce(event, row) or row
        assert (row["status"], row["maint_notified_at"]) == ("cancelled", None)
        ids = {r["topic"].split(":")[1].split(".")[0]: UUID(r["originator_id"])
               for r in ROWS["registry"] + ROWS["registry_issue12"]}
        unit = registry.unit(ids["MaintenanceUnit"])
        station = registry.station(ids["RescueStation"])
        lift = registry.repository.get(ids["Lift"])
        claim = registry.repository.get(ids["RescueCodeClaim"])
        assert isinstance(unit, MaintenanceUnit) and unit.emergency_lead["name"] == "陈经理"
        assert isinstance(station, RescueStation) and station.name == "南山一站"
        assert [w["name"] for w in station.workers.values()] == ["李师傅"]
        assert isinstance(lift, Lift) and lift.address == "科技园2栋" and lift.station_id is None
        assert isinstance(claim, RescueCodeClaim) and claim.holder == "44030000000000099999"
        events = registry.repository.event_store.get(ids["Lift"])
        assert [type(e) for e in events] == [Lift.LiftRegistered, Lift.LiftRevised,
                                             Lift.LiftBound, Lift.LiftUnbound]
    finally:
        tickets.close()
        registry.close()
