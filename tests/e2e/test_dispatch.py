"""Automatic dispatch against real PostgreSQL: who is notified, escalation, overdue, SMS outbox."""

import time

import pytest

from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.live import dispatcher_running, wait_for


@pytest.fixture()
def settings(settings):
    """A short accept timeout: the services (and their dispatcher) are built with it."""
    return settings.model_copy(update={"accept_timeout_seconds": 1.5,
                                       "dispatcher_poll_seconds": 0.1})


@pytest.fixture()
def dispatching(client):
    """Views + dispatcher running."""
    with dispatcher_running(client.app.state.services) as services:
        yield services


def events_of(client, ticket_id):
    return client.get(f"/v1/tickets/{ticket_id}/events").json()


def city(client):
    unit = make_unit(client, "安达维保")
    home = make_station(client, unit, "南山一站")
    backup = make_station(client, unit, "南山二站")
    bound, unbound = make_lift(client, unit, 1), make_lift(client, unit, 2)
    last = client.post(f"/v1/stations/{home}/bind", json={"registration_codes": [bound]})
    client.get("/v1/lifts", params={"after": last.json()["notification_id"]})
    return unit, home, backup, bound, unbound


def alarm(client, lift, ref, dispatch="auto"):
    response = client.post("/v1/alarms", json={"lift": lift, "source": "iot",
                                                "source_ref": ref, "dispatch": dispatch,
                                                "trapped_count": 2})
    assert response.status_code == 201, response.text
    return response.json()["ticket_id"]


def alerts(client, ticket_id):
    """The ticket's SMS but the workers' own rescuer links (issue 17: one message each)."""
    items = client.get("/v1/notifications", params={"ticket_id": ticket_id}).json()["items"]
    return [m for m in items if ":link:" not in m["key"]]


def notified(client, ticket_id, count=1):
    def check():
        found = [e for e in events_of(client, ticket_id) if e["type"] == "StationNotified"]
        return found if len(found) >= count else None
    return wait_for(check, every=0.1)  # often: an assignment must beat the accept timeout


def test_bound_lift_notifies_its_station_then_escalates_to_two_and_three(client, dispatching):
    _, home, backup, bound, _ = city(client)
    ticket_id = alarm(client, bound, "a1")
    first = notified(client, ticket_id)[0]
    assert first["data"]["level"] == 1 and first["data"]["station"]["id"] == home
    # The log gateway tells nobody: the notification says so instead of claiming an SMS.
    assert first["data"]["channel"] == "log" and first["actor"] == "system:dispatcher"
    outbox = client.get("/v1/notifications", params={"ticket_id": ticket_id}).json()["items"]
    assert outbox[0]["status"] == "accepted"
    assert {(r["mobile"], r["cc"], r["delivery"]) for r in outbox[0]["recipients"]} == {
        ("139****9000", False, "not_sent"), ("137****7000", False, "not_sent"),
        ("138****8000", True, "not_sent")}  # the unit's emergency lead is copied
    all_three = notified(client, ticket_id, count=3)
    assert [n["data"]["level"] for n in all_three] == [1, 2, 3]
    assert all_three[1]["data"]["station"]["id"] == backup
    assert all_three[2]["data"]["station"]["kind"] == "operators"
    time.sleep(2.0)  # level 3 is final: no further escalation
    types = [e["type"] for e in events_of(client, ticket_id)]
    assert types.count("Escalated") == 2 and types.count("StationNotified") == 3


def test_accepting_in_time_stops_escalation(client, dispatching):
    _, _, _, bound, _ = city(client)
    ticket_id = alarm(client, bound, "a2")
    notified(client, ticket_id)
    assert client.post(f"/v1/tickets/{ticket_id}/assign", json={
        "responder": {"name": "工", "mobile": "13700137000"}}).status_code == 200
    time.sleep(2.5)
    assert "Escalated" not in [e["type"] for e in events_of(client, ticket_id)]


def test_every_entrapment_of_a_bound_lift_copies_the_units_emergency_lead_once(client,
                                                                            dispatching):
    unit = make_unit(client, "同号维保", lead={"name": "刘站长", "mobile": "13900139000"})
    home = make_station(client, unit, "同号站", workers=1)  # its lead has the unit lead's mobile
    lift = make_lift(client, unit, 7)
    last = client.post(f"/v1/stations/{home}/bind", json={"registration_codes": [lift]})
    client.get("/v1/lifts", params={"after": last.json()["notification_id"]})
    ticket_id = alarm(client, lift, "a9")
    notified(client, ticket_id)
    outbox = alerts(client, ticket_id)
    mobiles = [r["mobile"] for r in outbox[0]["recipients"]]
    assert len(outbox) == 1 and sorted(mobiles) == ["137****7000", "139****9000"]

    _, _, _, bound, _ = city(client)  # a unit whose lead is nobody at the station
    other = alarm(client, bound, "a10")
    notified(client, other)
    (message,) = alerts(client, other)
    assert [(r["name"], r["mobile"]) for r in message["recipients"] if r["cc"]] == [
        ("陈经理", "138****8000")]
    with dispatching.pool.connection() as conn:  # the stored row, unmasked, as the gateway got it
        stored = conn.execute("SELECT recipients FROM sms_outbox WHERE ticket_id = %s AND key "
                              "NOT LIKE '%%:link:%%'", (other,)).fetchone()[0]
    assert {"name": "陈经理", "mobile": "13800138000", "cc": True} in stored


def test_unbound_lift_goes_to_the_units_emergency_lead(client, dispatching):
    _, _, _, _, unbound = city(client)
    ticket_id = alarm(client, unbound, "a3")
    first = notified(client, ticket_id)[0]
    assert first["data"]["station"]["kind"] == "unit_lead" and first["data"]["level"] == 1
    outbox = client.get("/v1/notifications", params={"ticket_id": ticket_id}).json()["items"]
    assert [r["name"] for r in outbox[0]["recipients"]] == ["陈经理"]


def test_unknown_lift_goes_to_operators_and_external_dispatch_is_left_alone(client,
                                                                           dispatching):
    _, _, _, bound, _ = city(client)
    unknown = alarm(client, "44039999999999999999", "a4")
    first = notified(client, unknown)[0]
    assert (first["data"]["level"], first["data"]["station"]["kind"]) == (3, "operators")
    assert client.get("/v1/notifications", params={"ticket_id": unknown}).json()["items"] == []
    external = alarm(client, bound, "a5", dispatch="external")
    time.sleep(2.0)
    assert [e["type"] for e in events_of(client, external)] == ["AlarmReceived"]


def test_gateway_failure_is_recorded_and_escalates(client, dispatching):
    from adapters.sms.outbox import HttpGateway

    dispatching.sms.gateway = HttpGateway("http://127.0.0.1:9/refused", attempts=2, backoff=0.01)
    _, _, _, bound, _ = city(client)
    ticket_id = alarm(client, bound, "a6")
    wait_for(lambda: "Escalated" in [e["type"] for e in events_of(client, ticket_id)],
             every=0.1)
    events = events_of(client, ticket_id)
    assert events[1]["type"] == "Escalated" and "SMS" in events[1]["data"]["reason"]
    outbox = client.get("/v1/notifications", params={"ticket_id": ticket_id}).json()["items"]
    assert outbox[0]["status"] == "failed" and outbox[0]["attempts"] == 2


def test_overdue_ticket_warns_the_unit_lead_once(client, dispatching):
    assert dispatching.settings.overtime_minutes == 30
    _, _, _, bound, _ = city(client)
    old = client.post("/v1/alarms", json={"lift": bound, "source": "iot", "source_ref": "a7",
                                          "received_at": "2020-01-01T00:00:00Z",
                                          "dispatch": "external"}).json()["ticket_id"]
    fresh = alarm(client, bound, "a8")
    notified(client, fresh)
    # The fresh ticket's notification is recent: no warning. Back-date it to 31 minutes ago.
    client.post(f"/v1/tickets/{fresh}/assign",
                json={"responder": {"name": "工", "mobile": "13700137000"}})
    events = events_of(client, fresh)
    from datetime import UTC, datetime, timedelta

    received = datetime.fromisoformat(events[0]["occurred_at"])
    assert client.post(f"/v1/tickets/{fresh}/corrections", json={
        "node": "received", "new": (received - timedelta(minutes=40)).isoformat(),
        "reason": "test"}).status_code == 200
    assert client.post(f"/v1/tickets/{fresh}/corrections", json={
        "node": "notified", "new": (datetime.now(UTC) - timedelta(minutes=31)).isoformat(),
        "reason": "test"}).status_code == 200

    def warned():
        items = client.get("/v1/notifications", params={"ticket_id": fresh}).json()["items"]
        return [i for i in items if i["key"].endswith(":overdue")]

    assert len(wait_for(warned, every=0.1)) == 1
    time.sleep(1.0)
    assert len(warned()) == 1
    assert client.get("/v1/notifications", params={"ticket_id": old}).json()["items"] == []
