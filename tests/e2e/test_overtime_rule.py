"""The 30-minute rule: late, never arrived and still open are overtime; the clock starts when the
maintenance side (not the operator desk / 119) is notified. And statistics per station id."""

from datetime import datetime
from uuid import UUID

import pytest

from adapters.http.console.session import COOKIE
from dispatch.commands import Context, NotifyStation
from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit

DAY = "2026-11-20"
WINDOW = {"from": f"{DAY}T00:00:00+08:00", "to": "2026-11-21T00:00:00+08:00"}
DESK = {"id": None, "name": "调度中心/119", "unit_id": None, "kind": "operators",
        "reason": "no bound station and no emergency lead"}


def t(clock: str) -> str:
    return f"{DAY}T{clock}+08:00"


def desk_notified(client, ticket_id: str, clock: str) -> int:
    """The dispatcher's level-3 notification of the operator desk / 119, at a chosen time."""
    outcome = client.app.state.services.tickets.notify_station(NotifyStation(
        ticket_id=UUID(ticket_id), at=datetime.fromisoformat(t(clock)), station=DESK, level=3,
        channel="platform"), Context("system:test", "c"))
    return outcome.notification_id


def console_get(client, path: str, params: dict):
    """A console page as the admin (a session opened from the client's token)."""
    session = client.app.state.services.sessions.open(
        client.headers["Authorization"].removeprefix("Bearer "))
    return client.get(path, params=params, headers={"Cookie": f"{COOKIE}={session}"},
                      follow_redirects=False)


def run(client, lift: str, name: str, steps: list[tuple[str, object]]) -> tuple[str, int]:
    """An external-dispatch ticket received at 08:00 and walked through `steps`."""
    created = client.post("/v1/alarms", json={"lift": lift, "source": "96333",
                                              "source_ref": name, "received_at": t("08:00:00"),
                                              "dispatch": "external"})
    assert created.status_code == 201, created.text
    ticket_id, last = created.json()["ticket_id"], created.json()["notification_id"]
    for command, body in steps:
        if command == "desk":
            last = desk_notified(client, ticket_id, body)
            continue
        body = {"at": t(body)} if isinstance(body, str) else body
        response = client.post(f"/v1/tickets/{ticket_id}/{command}", json=body)
        assert response.status_code == 200, (name, command, response.text)
        last = response.json()["notification_id"]
    return ticket_id, last


def released(clock: str, by: str) -> dict:
    return {"at": t(clock), "released_count": 1, "released_by": by}


SCRIPT = {
    "on_time_30_00": [("notify", "08:01:00"), ("arrive", "08:31:00")],
    "late_30_01": [("notify", "08:01:00"), ("arrive", "08:31:01")],
    "property_09_30": [("notify", "08:01:00"), ("release", released("09:30:00", "property"))],
    "self_at_30_00": [("notify", "08:01:00"), ("release", released("08:31:00", "self"))],
    "open": [("notify", "08:01:00")],
    "desk_then_station": [("desk", "08:00:00"), ("notify", "08:10:00"), ("arrive", "08:39:00")],
    "cancelled": [("notify", "08:01:00"), ("cancel", {"reason": "false_alarm",
                                                      "at": t("09:00:00")})],
    "corrected": [("notify", "08:10:00"), ("arrive", "08:39:00"),
                  ("corrections", {"node": "notified", "new": t("08:05:00"), "reason": "log"})],
}


@pytest.fixture()
def day(client, views):
    unit = make_unit(client, "安达维保")
    station = make_station(client, unit, "南山站")
    lifts = [make_lift(client, unit, n) for n in range(1, len(SCRIPT) + 1)]
    assert client.post(f"/v1/stations/{station}/bind",
                       json={"registration_codes": lifts}).status_code == 200
    ids, last = {}, 0
    for lift, (name, steps) in zip(lifts, SCRIPT.items(), strict=True):
        ids[name], last = run(client, lift, name, steps)
    return {"ids": ids, "after": last, "station": station}


def test_late_never_arrived_and_open_with_exact_boundaries(client, day):
    response = client.get("/v1/overtime", params={**WINDOW, "after": day["after"]})
    assert response.headers["x-view-caught-up"] == "true"
    names = {v: k for k, v in day["ids"].items()}
    items = {names[i["ticket_id"]]: i for i in response.json()["items"]}
    assert set(items) == {"late_30_01", "property_09_30", "open", "corrected"}
    assert {k: i["reason"] for k, i in items.items()} == {
        "late_30_01": "late", "property_09_30": "never_arrived", "open": "open",
        "corrected": "late"}
    late, never = items["late_30_01"], items["property_09_30"]
    assert (late["minutes"], late["minutes_over"]) == (30.02, 0.02)
    assert (never["minutes"], never["minutes_over"], never["arrived_at"]) == (89.0, 59.0, None)
    assert items["open"]["arrived_at"] is None and items["open"]["minutes"] > 3 * 24 * 60
    assert (items["corrected"]["minutes"], items["corrected"]["minutes_over"]) == (34.0, 4.0)
    assert never["station"] == "南山站" and never["lift"] == code(3)
    assert never["notified_at"].startswith("2026-11-20T00:01:00")
    live = client.get("/v1/overtime/open").json()["items"]
    assert [names[i["ticket_id"]] for i in live] == ["open"]


def test_the_clock_starts_at_the_station_not_the_operator_desk(client, day):
    rows = client.get("/v1/dynamics", params={"limit": 50, "after": day["after"]}).json()
    desk = next(i for i in rows["items"] if i["ticket_id"] == day["ids"]["desk_then_station"])
    assert desk["notified_at"].startswith("2026-11-20T00:00:00")  # the first notification
    assert desk["minutes_to_arrive"] == 29.0 and desk["overtime"] is False
    flags = {i["ticket_id"]: i["overtime_reason"] for i in rows["items"]}
    assert flags[day["ids"]["property_09_30"]] == "never_arrived"
    assert flags[day["ids"]["on_time_30_00"]] is None


def test_console_overtime_page_names_every_reason(client, day):
    client.get("/v1/dynamics", params={"after": day["after"]})
    page = console_get(client, "/console/overtime", {"from": DAY, "to": DAY})
    assert page.status_code == 200
    for label in ("到场超时", "未到场 Never arrived", "超时未到场"):
        assert label in page.text
    assert f'data-ticket="{day["ids"]["property_09_30"]}" data-reason="never_arrived"' in page.text


def test_stations_are_counted_by_id_and_the_operator_desk_is_none(client, views):
    stations = []
    for name in ("安达维保", "鹏城电梯"):
        unit = make_unit(client, name)
        stations.append(make_station(client, unit, "南山站"))
        lift = make_lift(client, unit, len(stations))
        client.post(f"/v1/stations/{stations[-1]}/bind", json={"registration_codes": [lift]})
        run(client, lift, f"s{len(stations)}", [("notify", "08:01:00")])
    unknown, last = run(client, code(90), "desk-only", [])
    last = desk_notified(client, unknown, "08:01:00")
    client.get("/v1/dynamics", params={"after": last})
    items = client.get("/v1/stats/tickets", params={**WINDOW, "group_by": "station"}).json()
    assert sorted(items["items"], key=lambda i: str(i["key"])) == sorted([
        {"key": stations[0], "name": "南山站", "tickets": 1},
        {"key": stations[1], "name": "南山站", "tickets": 1},
        {"key": None, "name": "未通知救援站 / no station", "tickets": 1}],
        key=lambda i: str(i["key"]))
    page = console_get(client, "/console/stats", {"from": DAY, "to": DAY})
    assert page.status_code == 200 and page.text.count('<tr data-key="') == 3
