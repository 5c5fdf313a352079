"""Lifts out of service and back (issue 15 item 5): events on the lift, the history the
entrapment rate counts from (adapters/postgres/lifts_in_service.py)."""

from datetime import UTC, datetime, timedelta

import psycopg

from adapters.postgres.lifts_in_service import lifts_in_service
from tests.e2e.registry_helpers import code, make_lift, make_unit


def _caught_up(client, nid):
    client.get("/v1/lifts", params={"after": nid})


def test_out_of_service_and_back_counts_and_rate(client, views, database_url, count_events):
    unit = make_unit(client)
    other = make_unit(client, name="别家维保")
    for n in (1, 2, 3):
        make_lift(client, unit, n)
    make_lift(client, other, 9)
    registered = datetime.now(UTC)
    alarm = client.post("/v1/alarms", json={"lift": code(2), "source": "96333",
                                            "source_ref": "R-1", "dispatch": "external"})
    assert alarm.status_code == 201, alarm.text
    client.get("/v1/dynamics", params={"after": alarm.json()["notification_id"]})
    went_out = datetime.now(UTC)
    out = client.post(f"/v1/lifts/{code(1)}/out-of-service",
                      json={"since": went_out.isoformat()})
    assert out.status_code == 200, out.text
    assert out.json()["in_service"] is False
    _caught_up(client, out.json()["notification_id"])
    with psycopg.connect(database_url) as conn:
        now = datetime.now(UTC)
        assert lifts_in_service(conn, now, unit_id=unit) == 2
        assert lifts_in_service(conn, now) == 3
        assert lifts_in_service(conn, now, district="南山区") == 3
        assert lifts_in_service(conn, now, district="福田区") == 0
        assert lifts_in_service(conn, registered - timedelta(minutes=5)) == 0  # not yet there
    rate = client.get("/v1/stats/entrapment-rate", params={"unit_id": unit})
    assert rate.status_code == 200, rate.text
    assert rate.json() == {"lifts_in_service": 2, "entrapment_tickets": 1,
                           "tickets_per_10k_lifts": 5000.0, "lifts_per_ticket": 2.0}

    again = client.post(f"/v1/lifts/{code(1)}/out-of-service",
                        json={"since": datetime.now(UTC).isoformat()})
    assert again.status_code == 409, again.text
    events = count_events("registry_events")
    day_before = (went_out - timedelta(days=1)).isoformat()
    early = client.post(f"/v1/lifts/{code(1)}/back-in-service", json={"since": day_before})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "since", early.text
    future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    late = client.post(f"/v1/lifts/{code(1)}/back-in-service", json={"since": future})
    assert late.status_code == 422 and "晚于当前时间" in late.json()["detail"], late.text
    assert count_events("registry_events") == events

    came_back = datetime.now(UTC)
    back = client.post(f"/v1/lifts/{code(1)}/back-in-service",
                       json={"since": came_back.isoformat()})
    assert back.status_code == 200 and back.json()["in_service"] is True, back.text
    _caught_up(client, back.json()["notification_id"])
    with psycopg.connect(database_url) as conn:
        assert lifts_in_service(conn, datetime.now(UTC), unit_id=unit) == 3
        # From the history: while it was out, it did not count.
        between = went_out + (came_back - went_out) / 2
        assert lifts_in_service(conn, between, unit_id=unit) == 2
    assert client.get("/v1/stats/entrapment-rate", params={"unit_id": unit}).json() == {
        "lifts_in_service": 3, "entrapment_tickets": 1, "tickets_per_10k_lifts": 3333.33,
        "lifts_per_ticket": 3.0}
    # A window that ended while the lift was out counts it out.
    window = client.get("/v1/stats/entrapment-rate", params={
        "unit_id": unit, "from": (registered - timedelta(hours=1)).isoformat(),
        "to": between.isoformat()})
    assert window.json()["lifts_in_service"] == 2, window.text


def test_unit_cannot_take_another_units_lift_out(client, token_for):
    unit, other = make_unit(client), make_unit(client, name="别家维保")
    make_lift(client, other, 5)
    theirs = client.post(f"/v1/lifts/{code(5)}/out-of-service", json={"since": "2026-01-05"},
                         headers=token_for("unit", unit_id=unit))
    assert theirs.status_code == 404, theirs.text
    auditor = client.post(f"/v1/lifts/{code(5)}/out-of-service", json={"since": "2026-01-05"},
                          headers=token_for("auditor"))
    assert auditor.status_code == 403, auditor.text
