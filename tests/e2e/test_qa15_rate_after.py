"""Take a lift out of service, then read the rate at once (issue 15 item 5, QA): the lift
counts come from the registry view, whose notifications are not the tickets', so the
statistics that count lifts wait for `registry_after` (the change's notification_id)."""

from datetime import UTC, datetime

from tests.e2e.registry_helpers import code, make_lift, make_unit


def test_the_rate_right_after_a_lift_went_out_of_service(client, views):
    unit = make_unit(client)
    for n in (1, 2, 3, 4):
        make_lift(client, unit, n)
    alarm = client.post("/v1/alarms", json={"lift": code(2), "source": "96333",
                                            "source_ref": "R-1", "dispatch": "external"})
    assert alarm.status_code == 201, alarm.text
    out = client.post(f"/v1/lifts/{code(1)}/out-of-service",
                      json={"since": datetime.now(UTC).isoformat()})
    assert out.status_code == 200, out.text
    waits = {"after": alarm.json()["notification_id"],
             "registry_after": out.json()["notification_id"]}
    rate = client.get("/v1/stats/entrapment-rate", params=waits)
    assert rate.status_code == 200, rate.text
    assert rate.headers["x-registry-caught-up"] == "true"
    assert rate.json() == {"lifts_in_service": 3, "entrapment_tickets": 1,
                           "tickets_per_10k_lifts": 3333.33, "lifts_per_ticket": 3.0}
    for path in ("/v1/stats/units", "/v1/stats/indicators"):
        (row,) = client.get(path, params=waits).json()["items"]
        assert (row["lifts_in_service"], row["tickets"], row["lifts_per_ticket"]) == \
            (3, 1, 3.0), path
    back = client.post(f"/v1/lifts/{code(1)}/back-in-service",
                       json={"since": datetime.now(UTC).isoformat()})
    assert back.status_code == 200, back.text
    again = client.get("/v1/stats/entrapment-rate",
                       params={"registry_after": back.json()["notification_id"]})
    assert again.json()["lifts_in_service"] == 4
    bad = client.get("/v1/stats/entrapment-rate", params={"registry_after": -1})
    assert bad.status_code == 422 and "registry_after" in bad.text
