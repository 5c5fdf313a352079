"""A scripted day of tickets; every expected figure below was computed by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit

DAY = "2026-11-20"


def t(clock: str, day: str = DAY) -> str:
    return f"{day}T{clock}+08:00"


@pytest.fixture()
def day(client, views):
    """Units A (南山区, 2 lifts) and B (福田区, 1 lift), and the day's tickets."""
    unit_a, unit_b = make_unit(client, "A维保"), make_unit(client, "B维保")
    sa1 = make_station(client, unit_a, "SA1", districts=("南山区",))
    sb1 = make_station(client, unit_b, "SB1", districts=("福田区",))
    a1 = make_lift(client, unit_a, 1, site_type="住宅小区", station_id=None)
    a2 = make_lift(client, unit_a, 2, site_type="住宅小区")
    b1 = client.put(f"/v1/lifts/{code(3)}", json={
        "unit_id": unit_b, "using_unit": {"code": "UB", "name": "写字楼"}, "address": "x",
        "district": "福田区", "site_type": "办公楼"}).json()["registration_code"]
    client.post(f"/v1/stations/{sa1}/bind", json={"registration_codes": [a1, a2]})
    client.post(f"/v1/stations/{sb1}/bind", json={"registration_codes": [b1]})
    script = {  # name: (lift, received, [(command, body)])
        "T1": (a1, t("08:00:00"), [("notify", t("08:01:00")), ("arrive", t("08:30:59")),
                                   ("release", t("08:40:00")),
                                   ("fault-report", {"cause": {"root": "3", "sub": "302"},
                                                     "description": "门锁"})]),
        "T2": (a1, t("09:00:00"), [("notify", t("09:01:00")), ("arrive", t("09:31:00"))]),
        "T3": (a2, t("10:00:00"), [("notify", t("10:01:00")), ("arrive", t("10:31:01"))]),
        "T4": (b1, t("18:30:00"), [("notify", t("18:31:00")), ("arrive", t("19:20:00"))]),
        "T5": (a2, t("19:00:00"), [("cancel", {"reason": "false_alarm", "at": t("19:05:00")})]),
        "T6": (a1, t("23:59:59"), []),
        "T7": (b1, t("00:00:00", "2026-11-21"), []),
        "T8": (a2, t("12:00:00"), [("notify", t("12:01:00")), ("arrive", t("12:40:00")),
                                   ("corrections", {"node": "arrived", "new": t("12:25:00"),
                                                    "reason": "GPS"})]),
        "T9": (a1, t("13:00:00"), [("notify", t("13:01:00")), ("arrive", t("13:20:00")),
                                   ("corrections", {"node": "arrived", "new": t("13:45:00"),
                                                    "reason": "log"})]),
    }
    ids, last = {}, 0
    for name, (lift, received, steps) in script.items():
        created = client.post("/v1/alarms", json={"lift": lift, "source": "96333",
                                                  "source_ref": name, "received_at": received,
                                                  "dispatch": "external"}).json()
        ids[name], last = created["ticket_id"], created["notification_id"]
        for command, body in steps:
            body = {"at": body} if isinstance(body, str) else body
            if command == "release":
                body |= {"released_count": 1, "released_by": "rescuer"}
            response = client.post(f"/v1/tickets/{ids[name]}/{command}", json=body)
            assert response.status_code == 200, (name, command, response.text)
            last = response.json()["notification_id"]
    return {"ids": ids, "after": last, "units": (unit_a, unit_b), "lifts": (a1, a2, b1),
            "window": {"from": t("00:00:00"), "to": t("00:00:00", "2026-11-21")}}


def test_overtime_list_boundaries_and_corrections(client, day):
    response = client.get("/v1/overtime", params={**day["window"], "after": day["after"]})
    assert response.headers["x-view-caught-up"] == "true"
    items = response.json()["items"]
    names = {v: k for k, v in day["ids"].items()}
    assert [names[i["ticket_id"]] for i in items] == ["T3", "T9", "T4"]
    assert [(i["minutes"], i["minutes_over"]) for i in items] == [(30.02, 0.02), (44.0, 14.0),
                                                                  (49.0, 19.0)]
    only_a = client.get("/v1/overtime", params={**day["window"], "unit_id": day["units"][0]})
    assert [names[i["ticket_id"]] for i in only_a.json()["items"]] == ["T3", "T9"]


def test_counts_by_every_grouping(client, day):
    client.get("/v1/dynamics", params={"after": day["after"]})

    def counts(group_by):
        items = client.get("/v1/stats/tickets", params={**day["window"],
                                                        "group_by": group_by}).json()["items"]
        return {i.get("name", i["key"]): i["tickets"] for i in items}  # station, unit: by id

    assert counts("unit") == {"A维保": 6, "B维保": 1}
    by_unit = client.get("/v1/stats/tickets", params={**day["window"], "group_by": "unit"})
    assert {i["key"] for i in by_unit.json()["items"]} == set(day["units"])
    assert counts("station") == {"SA1": 6, "SB1": 1}
    assert counts("district") == {"南山区": 6, "福田区": 1}
    assert counts("site_type") == {"住宅小区": 6, "办公楼": 1}
    assert counts("hour") == {"8": 1, "9": 1, "10": 1, "12": 1, "13": 1, "18": 1, "23": 1}
    assert counts("cause") == {"未知 (unknown)": 6, "门系统 / 层门（厅门）锁失效": 1}
    by_cause = client.get("/v1/stats/tickets", params={**day["window"], "group_by": "cause"})
    assert {i["key"] for i in by_cause.json()["items"]} == {"unknown", "3/302"}


def test_entrapment_rate_and_per_lift_counts(client, day):
    client.get("/v1/dynamics", params={"after": day["after"]})
    unit_a = day["units"][0]
    # Lifts count if in service at the window's end (issue 15): these were registered today,
    # after the scripted day, so the window runs from the day to now.
    rate = client.get("/v1/stats/entrapment-rate", params={"from": day["window"]["from"],
                                                           "unit_id": unit_a})
    assert rate.json() == {"lifts_in_service": 2, "entrapment_tickets": 6,
                           "tickets_per_10k_lifts": 30000.0, "lifts_per_ticket": 0.33}
    lifts = client.get("/v1/stats/lifts", params=day["window"]).json()["items"]
    a1, a2, _ = day["lifts"]
    assert lifts == [{"registration_code": a1, "tickets": 4},
                     {"registration_code": a2, "tickets": 2}]


def test_dynamics_newest_first_with_timeline(client, day):
    items = client.get("/v1/dynamics", params={"after": day["after"], "limit": 3}).json()["items"]
    names = {v: k for k, v in day["ids"].items()}
    assert [names[i["ticket_id"]] for i in items] == ["T7", "T6", "T5"]
    t1 = next(i for i in client.get("/v1/dynamics", params={"limit": 50}).json()["items"]
              if names[i["ticket_id"]] == "T1")
    assert t1["minutes_to_arrive"] == 29.98 and t1["overtime"] is False
    assert [s["node"] for s in t1["timeline"]] == ["received", "notified", "arrived", "released"]
    assert t1["timeline"][2]["minutes_since_previous"] == 29.98


def test_ticket_list_filters_and_pages(client, day):
    client.get("/v1/dynamics", params={"after": day["after"]})
    cancelled = client.get("/v1/tickets", params={"status": "cancelled"}).json()["items"]
    assert [i["ticket_id"] for i in cancelled] == [day["ids"]["T5"]]
    first = client.get("/v1/tickets", params={**day["window"], "limit": 5}).json()
    rest = client.get("/v1/tickets", params={**day["window"], "limit": 5,
                                             "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 5 and len(rest["items"]) == 3  # 8 received in the window
    assert rest["next_cursor"] is None


def test_unit_token_reads_only_its_unit(client, day, token_for):
    client.get("/v1/dynamics", params={"after": day["after"]})
    unit_a, unit_b = day["units"]
    b = token_for("unit", unit_id=unit_b)
    mine = client.get("/v1/dynamics", params={"limit": 50}, headers=b).json()["items"]
    assert {i["unit_id"] for i in mine} == {unit_b}
    assert client.get("/v1/overtime", params={"unit_id": unit_a}, headers=b).status_code == 404
    stats = client.get("/v1/stats/tickets", params={**day["window"], "group_by": "unit"},
                       headers=b).json()["items"]
    assert stats == [{"key": unit_b, "name": "B维保", "tickets": 1}]


def test_open_overdue_is_live(client, views):
    now = datetime.now(UTC)
    ids = []
    for ref, minutes_ago in (("late", 31), ("fine", 29)):
        ticket = client.post("/v1/alarms", json={
            "lift": code(99), "source": "phone", "source_ref": ref, "dispatch": "external",
            "received_at": (now - timedelta(minutes=minutes_ago + 1)).isoformat()}).json()
        last = client.post(f"/v1/tickets/{ticket['ticket_id']}/notify", json={
            "at": (now - timedelta(minutes=minutes_ago)).isoformat()}).json()
        ids.append(ticket["ticket_id"])
    client.get("/v1/dynamics", params={"after": last["notification_id"]})
    items = client.get("/v1/overtime/open").json()["items"]
    assert [i["ticket_id"] for i in items] == [ids[0]]


def test_fault_reports_missing_after_release(client, day):
    client.get("/v1/dynamics", params={"after": day["after"]})
    t2 = day["ids"]["T2"]
    last = client.post(f"/v1/tickets/{t2}/release", json={
        "released_count": 1, "released_by": "rescuer", "at": t("09:40:00")}).json()
    client.get("/v1/dynamics", params={"after": last["notification_id"]})
    missing = client.get("/v1/fault-reports/missing").json()["items"]
    assert [m["ticket_id"] for m in missing] == [t2]  # T1 filed its report
