"""Issue 17: how an arrival was proven. Arrivals stored before (v1, no proof) load as
`reported`; a phone position proves arrival only near the lift, and a far one keeps its
distance as `reported`; the share of proven arrivals per unit and station."""

from uuid import UUID

import pytest

from adapters.postgres.connection import eventsourcing_env
from dispatch.tickets import TicketApp
from domain.arrival import Proof, check_proof, distance_m, gps_arrival
from domain.errors import InvalidValue
from domain.ticket import Ticket
from projections.public_events import public_data
from projections.tickets import reduce
from tests.integration.test_stored_events_load import ROWS, stored

LIFT = {"lat": 22.5400, "lng": 113.9300}


def test_arrivals_stored_before_load_as_reported(database_url):
    env = {**eventsourcing_env(database_url, pool_size=2, lock_timeout=5), "CREATE_TABLE": "y"}
    tickets = TicketApp(env)
    try:
        tickets.recorder.insert_events(stored(ROWS["tickets"]))
        old = [r for r in ROWS["tickets"] if r["topic"].endswith("ArrivedOnSite")]
        assert old and all('"proof"' not in r["state"] for r in old)  # really stored without
        ticket_id = UUID(old[0]["originator_id"])
        arrived = [e for e in tickets.history(ticket_id) if isinstance(e, Ticket.ArrivedOnSite)]
        assert [(e.proof, e.proof_detail) for e in arrived] == [("reported", None)]
        row = None
        for event in tickets.history(ticket_id):
            row = reduce(event, row) or row
        assert row["arrival_proof"] == "reported"
        assert public_data(arrived[0])["proof"] == "reported"
    finally:
        tickets.close()


def test_a_position_proves_arrival_only_near_the_lift():
    near = {"lat": 22.5401, "lng": 113.9301, "accuracy": 15.0}
    assert 10 < distance_m(near, LIFT) < 20
    proof, detail = gps_arrival(near, LIFT, within_m=150)
    assert proof == Proof.GPS and detail["accuracy_m"] == 15.0
    far = {"lat": 22.5500, "lng": 113.9300, "accuracy": 15.0}  # about 1.1 km north
    proof, detail = gps_arrival(far, LIFT, within_m=150)
    assert proof == Proof.REPORTED and 1000 < detail["distance_m"] < 1200
    vague = {**near, "accuracy": 900.0}  # a fix too coarse to tell
    assert gps_arrival(vague, LIFT, within_m=150)[0] == Proof.REPORTED
    assert gps_arrival(near, None, within_m=150) == (
        "reported", {"source": "gps", "accuracy_m": 15.0, "why": "lift has no location"})
    with pytest.raises(InvalidValue) as refused:
        check_proof("trust_me", None)
    assert refused.value.field == "proof"
