"""Overtime with two district limits, end to end: 30 min in 南山区, 60 min in 大鹏新区 (the
national rule outside city districts). 45 minutes late is overtime in the first only."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.e2e.test_overtime_rule import DAY, WINDOW, console_get, run, t

LIMITS = {"大鹏新区": 60}
DEFAULT = 30
NOTIFY = "08:01:00"
CASES = {  # name: (district, arrival clock)
    "city_45": ("南山区", "08:46:00"),
    "rural_45": ("大鹏新区", "08:46:00"),
    "rural_61": ("大鹏新区", "09:02:00"),
}


@pytest.fixture()
def settings(settings):
    return settings.model_copy(update={"arrival_limit_by_district": LIMITS})


def minutes(start: str, end: str) -> float:
    return (datetime.fromisoformat(t(end)) - datetime.fromisoformat(t(start))).seconds / 60


def limit_of(district: str) -> int:
    return LIMITS.get(district, DEFAULT)


@pytest.fixture()
def day(client, views):
    unit = make_unit(client, "安达维保")
    station = make_station(client, unit, "南山站", districts=("南山区", "大鹏新区"))
    ids, last = {}, 0
    for n, (name, (district, arrive)) in enumerate(CASES.items(), start=1):
        lift = make_lift(client, unit, n, district=district)
        assert client.post(f"/v1/stations/{station}/bind",
                           json={"registration_codes": [lift]}).status_code == 200
        ids[name], last = run(client, lift, name, [("notify", NOTIFY), ("arrive", arrive)])
    return {"ids": ids, "after": last, "unit": unit}


def expected_overtime() -> dict[str, dict]:
    """Which cases are overtime, and by how much, from the seeded times and limits."""
    out = {}
    for name, (district, arrive) in CASES.items():
        taken, limit = minutes(NOTIFY, arrive), limit_of(district)
        if taken > limit:
            out[name] = {"limit_minutes": limit, "minutes": round(taken, 2),
                         "minutes_over": round(taken - limit, 2), "reason": "late"}
    return out


def test_each_ticket_is_judged_by_its_districts_limit(client, day):
    body = client.get("/v1/overtime", params={**WINDOW, "after": day["after"]}).json()
    assert body["threshold_minutes"] == DEFAULT and body["limits_by_district"] == LIMITS
    names = {v: k for k, v in day["ids"].items()}
    got = {names[i["ticket_id"]]: {k: i[k] for k in ("limit_minutes", "minutes",
                                                       "minutes_over", "reason")}
           for i in body["items"]}
    assert got == expected_overtime()
    assert "city_45" in got and "rural_45" not in got  # 45 minutes: late only in the city
    listed = client.get("/v1/tickets", params={**WINDOW}).json()["items"]
    flags = {names[i["ticket_id"]]: i["overtime"] for i in listed}
    assert flags == {name: name in got for name in CASES}


def test_the_console_and_the_export_show_the_limit_that_applied(client, day):
    client.get("/v1/overtime", params={"after": day["after"]})
    page = console_get(client, "/console/overtime", {"from": DAY, "to": DAY})
    assert page.status_code == 200 and "大鹏新区 60 分钟" in page.text
    for name, row in expected_overtime().items():
        cell = f'data-ticket="{day["ids"][name]}"'
        assert cell in page.text
        chunk = page.text.split(cell, 1)[1].split("</tr>", 1)[0]
        assert f'<td class="limit">{row["limit_minutes"]}</td>' in chunk
    assert f'data-ticket="{day["ids"]["rural_45"]}"' not in page.text
    csv = client.get("/v1/overtime", params={**WINDOW, "format": "csv"})
    header, *lines = csv.content.decode("utf-8-sig").splitlines()
    assert "到场时限(分钟)" in header and len(lines) == len(expected_overtime())
    column = header.split(",").index(next(h for h in header.split(",") if "到场时限" in h))
    assert sorted(line.split(",")[column] for line in lines) == sorted(
        str(r["limit_minutes"]) for r in expected_overtime().values())


def test_the_board_clock_turns_red_at_each_districts_limit(client, day):
    now = datetime.now(UTC)
    lifts = {d: make_lift(client, day["unit"], 20 + n, district=d)
             for n, d in enumerate(("南山区", "大鹏新区"))}
    ids = {}
    for district, lift in lifts.items():
        created = client.post("/v1/alarms", json={
            "lift": lift, "source": "96333", "source_ref": f"open-{district}",
            "dispatch": "external", "received_at": (now - timedelta(minutes=46)).isoformat()})
        ids[district] = created.json()["ticket_id"]
        last = client.post(f"/v1/tickets/{ids[district]}/notify", json={
            "at": (now - timedelta(minutes=45)).isoformat()}).json()["notification_id"]
    client.get("/v1/dynamics", params={"after": last})
    page = console_get(client, "/console/board", {})
    for district, ticket_id in ids.items():
        row = page.text.split(f'data-ticket="{ticket_id}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-limit-minutes="{limit_of(district)}"' in row
    live = client.get("/v1/overtime/open").json()["items"]
    assert {i["ticket_id"]: i["limit_minutes"] for i in live} == {ids["南山区"]: DEFAULT}
