"""Take a lift out of service, then read the rate at once (issue 15 item 5, QA): the lift
counts come from the registry view, whose notifications are not the tickets', so the
statistics that count lifts wait for `registry_after` (the change's notification_id)."""

from datetime import UTC, datetime, timedelta

import psycopg

from adapters.postgres.lifts_in_service import lifts_in_service
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


def test_a_window_ends_just_before_its_to(client, views, database_url):
    """[from, to): a lift taken out exactly at `to` was in service all through the window."""
    unit = make_unit(client)
    make_lift(client, unit, 1)
    went_out = datetime.now(UTC)
    out = client.post(f"/v1/lifts/{code(1)}/out-of-service", json={"since": went_out.isoformat()})
    assert out.status_code == 200, out.text
    client.get("/v1/lifts", params={"after": out.json()["notification_id"]})
    with psycopg.connect(database_url) as conn:
        assert lifts_in_service(conn, went_out, unit_id=unit) == 1
        assert lifts_in_service(conn, went_out + timedelta(microseconds=1), unit_id=unit) == 0
    window = client.get("/v1/stats/entrapment-rate", params={
        "unit_id": unit, "to": went_out.isoformat()})
    assert window.json()["lifts_in_service"] == 1, window.text
