"""The ticket API over HTTP against real PostgreSQL: lifecycle, contract, refusals."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.registry_helpers import make_station, make_unit

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
LIFT = "44030000000000012345"


def iso(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def open_ticket(client, ref="CC-1", **extra) -> dict:
    body = {"lift": LIFT, "source": "96333", "source_ref": ref, "received_at": iso(0),
            "trapped_count": 2, "caller": {"name": "李", "phone": "13812345678"}} | extra
    response = client.post("/v1/alarms", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def walk(client, ticket_id):
    station = make_station(client, make_unit(client), workers=0)
    steps = [("notify", {"station_id": station, "at": iso(1)}),
             ("assign", {"responder": {"name": "王师傅", "mobile": "13912345678"}, "at": iso(3)}),
             ("arrive", {"at": iso(14)}),
             ("release", {"released_count": 2, "released_by": "rescuer", "at": iso(25)}),
             ("fault-report", {"cause": {"root": "3", "sub": "302"}, "description": "门锁",
                               "at": iso(30)}),
             ("callback", {"confirmed_by": "trapped_person", "at": iso(35)}),
             ("close", {"at": iso(40)})]
    for path, body in steps:
        response = client.post(f"/v1/tickets/{ticket_id}/{path}", json=body)
        assert response.status_code == 200, (path, response.text)


def test_alarm_to_close_over_http(client):
    created = open_ticket(client)
    assert created["version"] == 1 and created["notification_id"] >= 1
    walk(client, created["ticket_id"])
    ticket = client.get(f"/v1/tickets/{created['ticket_id']}")
    assert ticket.status_code == 200 and ticket.headers["etag"] == '"8"'
    state = ticket.json()
    assert state["status"] == "closed" and state["minutes_to_arrive"] == 13.0
    assert state["lift_known"] is False and state["caller"]["phone"] == "138****5678"
    assert state["fault_report"]["root"] == "3"
    events = client.get(f"/v1/tickets/{created['ticket_id']}/events").json()
    assert [e["type"] for e in events] == [
        "AlarmReceived", "StationNotified", "ResponderAssigned", "ArrivedOnSite",
        "PassengersReleased", "FaultReportFiled", "CallbackConfirmed", "Closed"]
    assert datetime.fromisoformat(events[3]["occurred_at"]) == T0 + timedelta(minutes=14)
    assert all(e["recorded_at"] and e["actor"] == "admin:test" for e in events)


def test_ticket_at_each_version_and_instant(client):
    ticket_id = open_ticket(client)["ticket_id"]
    walk(client, ticket_id)
    statuses = [client.get(f"/v1/tickets/{ticket_id}", params={"version": v}).json()["status"]
                for v in range(1, 9)]
    assert statuses == ["received", "notified", "assigned", "arrived", "released", "released",
                        "released", "closed"]
    events = client.get(f"/v1/tickets/{ticket_id}/events").json()
    as_of = client.get(f"/v1/tickets/{ticket_id}", params={"as_of": events[2]["recorded_at"]})
    assert as_of.json()["version"] == 3 and as_of.json()["status"] == "assigned"
    assert client.get(f"/v1/tickets/{ticket_id}", params={"version": 99}).status_code == 404


def test_duplicate_alarm_answers_200_with_the_same_ticket(client, count_events):
    first = open_ticket(client)
    again = client.post("/v1/alarms", json={"lift": LIFT, "source": "96333", "source_ref": "CC-1"})
    assert again.status_code == 200 and again.json()["ticket_id"] == first["ticket_id"]
    assert count_events() == 1


def test_out_of_order_node_is_409_with_reason(client, count_events):
    ticket_id = open_ticket(client)["ticket_id"]
    response = client.post(f"/v1/tickets/{ticket_id}/arrive", json={"at": iso(5)})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "notified" in response.json()["detail"]
    client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": iso(10)})
    earlier = client.post(f"/v1/tickets/{ticket_id}/arrive", json={"at": iso(9)})
    assert earlier.status_code == 409 and "earlier than notified" in earlier.json()["detail"]
    assert count_events() == 2


BAD_ALARMS = [
    ({"lift": "123", "source": "96333", "source_ref": "a"}, "lift"),
    ({"lift": LIFT, "source": "fax", "source_ref": "a"}, "source"),
    ({"lift": LIFT, "source": "96333"}, "source_ref"),
    ({"lift": LIFT, "source": "96333", "source_ref": "   "}, "source_ref"),
    ({"lift": LIFT, "source": "96333", "source_ref": "a", "trapped_count": -1}, "trapped_count"),
    ({"lift": LIFT, "source": "96333", "source_ref": "a", "received_at": "2026-11-22T08:00:00"},
     "received_at"),
    ({"lift": LIFT, "source": "96333", "source_ref": "a", "received_at": "yesterday"},
     "received_at"),
    ({"lift": LIFT, "source": "96333", "source_ref": "a", "dispatch": "robot"}, "dispatch"),
    ({"lift": LIFT, "source": "96333", "source_ref": "a", "caller": {"phone": "abc"}},
     "caller.phone"),
    ({"lift": LIFT, "source": "96333", "source_ref": "a", "arrived_at": "x"}, "arrived_at"),
]


@pytest.mark.parametrize(("body", "field"), BAD_ALARMS)
def test_bad_alarm_is_422_naming_the_field_and_stores_nothing(client, count_events, body, field):
    response = client.post("/v1/alarms", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["status"] == 422 and field in [e["field"] for e in problem["errors"]]
    assert count_events() == 0


def test_future_received_at_is_422_and_stores_nothing(client, count_events):
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    response = client.post("/v1/alarms", json={"lift": LIFT, "source": "iot", "source_ref": "f",
                                                "received_at": future})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "received_at"
    assert count_events() == 0


@pytest.mark.parametrize(("path", "body", "field"), [
    ("notify", {"level": 5}, "level"),
    ("assign", {"responder": {"name": "w", "mobile": "12345"}}, "responder.mobile"),
    ("assign", {}, "responder"),
    ("release", {"released_count": 1, "released_by": "ghost"}, "released_by"),
    ("release", {"released_by": "rescuer"}, "released_count"),
    ("cancel", {"reason": "bored"}, "reason"),
    ("fault-report", {"cause": {"root": "3a", "sub": "01"}, "description": "x"}, "cause.root"),
    ("fault-report", {"cause": {"root": "03", "sub": "88"}, "description": "x"}, "cause"),
    ("arrive", {"at": "not a time"}, "at"),
    ("corrections", {"node": "arrived", "new": "2026-01-01T00:00:00Z"}, "reason"),
])
def test_bad_command_is_422_naming_the_field_and_stores_nothing(client, count_events, path,
                                                                 body, field):
    ticket_id = open_ticket(client)["ticket_id"]
    client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": iso(1)})
    client.post(f"/v1/tickets/{ticket_id}/arrive", json={"at": iso(2)})
    client.post(f"/v1/tickets/{ticket_id}/release",
                json={"released_count": 1, "released_by": "rescuer", "at": iso(3)})
    before = count_events()
    response = client.post(f"/v1/tickets/{ticket_id}/{path}", json=body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert count_events() == before


def test_malformed_json_and_unknown_ticket(client, count_events):
    response = client.post("/v1/alarms", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["errors"]
    missing = client.post("/v1/tickets/00000000-0000-4000-8000-000000000000/arrive", json={})
    assert missing.status_code == 404 and missing.json()["status"] == 404
    assert client.get("/v1/tickets/not-a-uuid").status_code == 422
    assert count_events() == 0


def test_if_match_mismatch_is_412(client, count_events):
    ticket_id = open_ticket(client)["ticket_id"]
    ok = client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": iso(1)},
                     headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    stale = client.post(f"/v1/tickets/{ticket_id}/arrive", json={"at": iso(2)},
                        headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["status"] == 412
    assert stale.json()["detail"] == "工单已是第 2 版，而非第 1 版 (ticket is at version 2, not 1)"
    bad = client.post(f"/v1/tickets/{ticket_id}/arrive", json={}, headers={"If-Match": "abc"})
    assert bad.status_code == 400
    assert count_events() == 2


def test_idempotency_key_replays_and_detects_reuse(client, count_events):
    ticket_id = open_ticket(client)["ticket_id"]
    headers = {"Idempotency-Key": "k-1"}
    first = client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": iso(1)}, headers=headers)
    again = client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": iso(1)}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    other = client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": iso(2)}, headers=headers)
    assert other.status_code == 409 and "different request" in other.json()["detail"]
    assert count_events() == 2


def test_cancel_then_nothing_more(client):
    ticket_id = open_ticket(client)["ticket_id"]
    cancelled = client.post(f"/v1/tickets/{ticket_id}/cancel", json={"reason": "false_alarm"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    refused = client.post(f"/v1/tickets/{ticket_id}/notify", json={})
    assert refused.status_code == 409 and refused.json()["type"].endswith("ticket_finished")


def test_time_correction_is_a_new_event(client):
    ticket_id = open_ticket(client)["ticket_id"]
    walk(client, ticket_id)
    fixed = client.post(f"/v1/tickets/{ticket_id}/corrections",
                        json={"node": "arrived", "new": iso(12), "reason": "GPS log"})
    assert fixed.status_code == 200, fixed.text
    state = client.get(f"/v1/tickets/{ticket_id}").json()
    assert state["minutes_to_arrive"] == 11.0
    events = client.get(f"/v1/tickets/{ticket_id}/events").json()
    assert events[-1]["type"] == "TimeCorrected" and events[-1]["data"]["reason"] == "GPS log"
    assert events[3]["type"] == "ArrivedOnSite"  # the original stays as it was


def test_health_ready_and_openapi(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["db"] == "ok"
    spec = client.get("/openapi.json").json()
    for path in ["/v1/alarms", "/v1/tickets/{ticket_id}/notify", "/v1/tickets/{ticket_id}/assign",
                 "/v1/tickets/{ticket_id}/arrive", "/v1/tickets/{ticket_id}/release",
                 "/v1/tickets/{ticket_id}/cancel", "/v1/tickets/{ticket_id}/fault-report",
                 "/v1/tickets/{ticket_id}/close", "/v1/tickets/{ticket_id}/callback",
                 "/v1/tickets/{ticket_id}", 
                 "/v1/tickets/{ticket_id}/events"]:
        assert path in spec["paths"], path
    assert spec["components"]["schemas"]["AlarmCreate"]["examples"]


def test_correlation_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Correlation-ID": "abc-123"})
    assert response.headers["x-correlation-id"] == "abc-123"


def test_unexpected_errors_are_problem_bodies(settings):
    """A bug still answers application/problem+json with a correlation id, never a stack trace."""
    from fastapi.testclient import TestClient

    from adapters.bootstrap import bootstrap
    from adapters.http.main import create_app

    app = create_app(lambda: bootstrap(settings))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail 13812345678")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Correlation-ID": "c-500"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "secret" not in response.text and response.json()["status"] == 500


def test_database_outage_is_503_with_retry_after(client, database_url, pg_admin_url):
    import psycopg

    name = database_url.split("dbname=")[1].split()[0]
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                     (name,))
    # Killed connections fail once; the pool replaces them and the client may retry.
    statuses = [client.post("/v1/alarms", json={"lift": LIFT, "source": "iot",
                                                "source_ref": f"down-{i}"}).status_code
                for i in range(12)]
    failures = [s for s in statuses if s != 201]
    print("statuses", statuses)
    assert set(failures) <= {503} and statuses[-1] == 201


def test_nul_characters_are_refused_with_the_field_named(client, count_events):
    response = client.post("/v1/alarms", json={"lift": LIFT, "source": "96333",
                                                "source_ref": "a\u0000b"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "source_ref"
    listed = client.get("/v1/tickets", params={"unit_id": "x\u0000"})
    assert listed.status_code == 422
    assert count_events() == 0


def test_notifying_a_station_the_registry_does_not_know_is_refused(client, count_events):
    ticket = open_ticket(client, ref="CC-unknown-station")["ticket_id"]
    before = count_events()
    refused = client.post(f"/v1/tickets/{ticket}/notify", json={"station_id": "st-nowhere"})
    assert refused.status_code == 422 and "station_id" in refused.text, refused.text
    assert "无此救援站" in refused.json()["detail"] and count_events() == before
    station = make_station(client, make_unit(client), name="北站", workers=0)
    told = client.post(f"/v1/tickets/{ticket}/notify", json={"station_id": station})
    assert told.status_code == 200, told.text
    recorded = client.get(f"/v1/tickets/{ticket}/events").json()[-1]["data"]["station"]
    assert (recorded["id"], recorded["name"]) == (station, "北站")
