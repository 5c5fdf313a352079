"""Alarms copy the lift's registry facts into AlarmReceived; later registry edits change nothing."""

from tests.e2e.registry_helpers import make_lift, make_station, make_unit


def test_alarm_snapshot_by_registration_and_rescue_code(client, views):
    unit = make_unit(client, "安达维保")
    station = make_station(client, unit, "南山一站")
    lift = make_lift(client, unit, 1, site_type="住宅小区", rescue_code="654321")
    last = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": [lift]})
    client.get("/v1/lifts", params={"after": last.json()["notification_id"]})
    by_code = client.post("/v1/alarms", json={"lift": lift, "source": "iot", "source_ref": "s1"})
    by_rescue = client.post("/v1/alarms", json={"lift": "654321", "source": "96333",
                                                "source_ref": "s2"})
    for created in (by_code, by_rescue):
        ticket = client.get(f"/v1/tickets/{created.json()['ticket_id']}").json()
        assert ticket["lift_known"] is True
        assert ticket["lift"] | {} == ticket["lift"]
        assert ticket["lift"]["registration_code"] == lift
        assert ticket["lift"]["unit_id"] == unit and ticket["lift"]["unit_name"] == "安达维保"
        assert ticket["lift"]["station_id"] == station
        assert ticket["lift"]["station_name"] == "南山一站"
        assert ticket["lift"]["district"] == "南山区" and ticket["lift"]["site_type"] == "住宅小区"
    ticket_id = by_code.json()["ticket_id"]
    client.post(f"/v1/stations/{station}/unbind", json={"registration_codes": [lift]})
    again = client.get(f"/v1/tickets/{ticket_id}").json()
    assert again["lift"]["station_id"] == station  # the snapshot is history, not a live join


def test_unit_token_sees_its_own_tickets_only(client, views, token_for):
    unit_a, unit_b = make_unit(client, "A"), make_unit(client, "B")
    lift_a, lift_b = make_lift(client, unit_a, 1), make_lift(client, unit_b, 2)
    ticket_a = client.post("/v1/alarms", json={"lift": lift_a, "source": "iot",
                                               "source_ref": "a"}).json()["ticket_id"]
    ticket_b = client.post("/v1/alarms", json={"lift": lift_b, "source": "iot",
                                               "source_ref": "b"}).json()["ticket_id"]
    a = token_for("unit", unit_id=unit_a)
    assert client.get(f"/v1/tickets/{ticket_a}", headers=a).status_code == 200
    assert client.get(f"/v1/tickets/{ticket_b}", headers=a).status_code == 404
    client.post(f"/v1/tickets/{ticket_a}/notify", json={})
    client.post(f"/v1/tickets/{ticket_b}/notify", json={})
    assert client.post(f"/v1/tickets/{ticket_a}/arrive", json={}, headers=a).status_code == 200
    assert client.post(f"/v1/tickets/{ticket_b}/arrive", json={}, headers=a).status_code == 404
    events = client.get(f"/v1/tickets/{ticket_a}/events").json()
    assert events[-1]["actor"] == "unit:test"
