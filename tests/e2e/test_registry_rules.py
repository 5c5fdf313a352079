"""Registry rules a user depends on: edits never stop the view, rescue codes are unique,
stale writes are refused, nulls and foreign digits are refused, other units stay invisible."""

from tests.e2e.registry_helpers import code, lift_body, make_lift, make_station, make_unit


def caught_up(client, notification_id) -> dict:
    """The lift list once the registry view has processed `notification_id`."""
    listed = client.get("/v1/lifts", params={"after": notification_id})
    assert listed.headers["X-View-Caught-Up"] == "true", "the registry view stopped"
    return {item["registration_code"]: item for item in listed.json()["items"]}


def test_renamed_station_keeps_the_view_running_and_alarms_routed(client, views):
    unit = make_unit(client, "安达维保")
    station = make_station(client, unit, "南山一站")
    renamed = client.patch(f"/v1/stations/{station}", json={"name": "南山中心站"})
    assert renamed.status_code == 200, renamed.text
    lift = make_lift(client, unit, 1, rescue_code="246810")
    bound = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": [lift]})
    listed = caught_up(client, bound.json()["notification_id"])
    assert listed[lift]["station_id"] == station and listed[lift]["rescue_code"] == "246810"
    rows = client.app.state.services.registry_queries.stations(unit)
    assert [r["name"] for r in rows] == ["南山中心站"] and len(rows[0]["workers"]) == 1
    created = client.post("/v1/alarms", json={"lift": "246810", "source": "96333",
                                              "source_ref": "rename-1"})
    assert created.status_code == 201, created.text
    ticket = client.get(f"/v1/tickets/{created.json()['ticket_id']}").json()
    assert ticket["lift_known"] is True
    assert ticket["lift"]["registration_code"] == lift
    assert ticket["lift"]["station_id"] == station
    assert ticket["lift"]["station_name"] == "南山中心站"
