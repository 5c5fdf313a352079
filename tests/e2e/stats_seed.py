"""A small seeded day for the statistics tests, and the figures expected from it, computed here
from the seeded times by the published definitions (never copied from the service)."""

from datetime import UTC, datetime, timedelta
from statistics import mean

from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit
from tests.e2e.test_overtime_rule import run, t

DAY = "2026-11-20"
LIMITS = {"大鹏新区": 60}  # a district outside the city: the national 60 minutes
DEFAULT_LIMIT = 30
UNITS = {"A": "安达维保", "B": "鹏城电梯", "C": "新安电梯"}
STATIONS = {"SA": ("A", "南山站", ("南山区", "大鹏新区")), "SA2": ("A", "福田站", ("福田区",)),
            "SB": ("B", "南山站", ("南山区",))}  # two units' stations share a name
LIFTS = {  # name: (unit, station, district)
    "a1": ("A", "SA", "南山区"), "a2": ("A", "SA", "大鹏新区"), "a3": ("A", "SA2", "福田区"),
    "a4": ("A", "SA", "南山区"), "b1": ("B", "SB", "南山区"), "b2": ("B", "SB", "南山区"),
    "c1": ("C", None, "南山区"),
}
OUT_OF_SERVICE = {"b2"}  # since January: not counted at the window's end
# name: (lift, notified, assigned, escalations, arrived, released, cancelled)
TICKETS = {
    "t1": ("a1", "08:01", "08:03", (), "08:20", "08:30", None),
    "t2": ("a1", "08:01", "08:05", (), "08:46", "08:50", None),
    "t3": ("a2", "08:01", "08:02", (), "08:46", "09:00", None),  # 45 min: on time at 60
    "t4": ("a3", "08:01", "08:07", ("08:06",), "08:25", "08:35", None),
    "t5": ("b1", "08:01", None, ("08:05", "08:08"), None, "09:10", None),  # never arrived
    "t6": ("b1", "08:01", None, (), None, None, "08:10"),  # cancelled: counts nowhere
    "t7": ("b1", "08:01", "08:04", (), "08:31", "08:40", None),  # exactly 3 and 30 min
}


def window() -> dict[str, str]:
    """From the seeded day to a day ahead: the lifts (registered now) count at its end."""
    end = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    return {"from": t("00:00:00"), "to": f"{end}T00:00:00+08:00"}


def seed(client) -> dict:
    """Units, stations, lifts and tickets over HTTP; ids by our names and the last event."""
    units = {k: make_unit(client, name) for k, name in UNITS.items()}
    stations = {k: make_station(client, units[u], name, districts=d)
                for k, (u, name, d) in STATIONS.items()}
    codes = {}
    for n, (name, (unit, station, district)) in enumerate(LIFTS.items(), start=1):
        codes[name] = make_lift(client, units[unit], n, district=district)
        if station:
            bound = client.post(f"/v1/stations/{stations[station]}/bind",
                                json={"registration_codes": [codes[name]]})
            assert bound.status_code == 200, bound.text
    for name in OUT_OF_SERVICE:
        out = client.post(f"/v1/lifts/{code(list(LIFTS).index(name) + 1)}/out-of-service",
                          json={"since": "2026-01-05"})
        assert out.status_code == 200, out.text
        # The registry view has every lift and period before anything is counted.
        seen = client.get("/v1/lifts", params={"after": out.json()["notification_id"]})
        assert seen.headers["x-view-caught-up"] == "true"
    last = 0
    for name, (lift, notified, assigned, escalations, arrived, released, cancelled) in \
            TICKETS.items():
        steps: list = [("notify", f"{notified}:00")]
        steps += [("escalate", {"reason": "无人响应", "at": t(f"{at}:00")}) for at in escalations]
        if assigned:
            steps.append(("assign", {"responder": {"name": "王师傅", "mobile": "13912345678"},
                                     "at": t(f"{assigned}:00")}))
        if arrived:
            steps.append(("arrive", f"{arrived}:00"))
        if released:
            steps.append(("release", {"at": t(f"{released}:00"), "released_count": 1,
                                      "released_by": "rescuer" if arrived else "fire"}))
        if cancelled:
            steps.append(("cancel", {"reason": "false_alarm", "at": t(f"{cancelled}:00")}))
        _, last = run(client, codes[lift], name, steps)
    return {"units": units, "stations": stations, "after": last}


def _minutes(start: str | None, end: str | None) -> float | None:
    if start is None or end is None:
        return None
    fmt = "%H:%M"
    return (datetime.strptime(end, fmt) - datetime.strptime(start, fmt)).seconds / 60


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the order statistics (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered, position = sorted(values), (len(values) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def expected(lift_names: list[str]) -> dict:
    """Every figure of the group made of these lifts (tickets of their lifts, lifts in
    service among them), by the definitions in docs/PROJECTIONS.md "Indicators"."""
    rows = [r for r in TICKETS.values() if r[0] in lift_names and r[6] is None]
    lifts = len([n for n in lift_names if n not in OUT_OF_SERVICE])
    tickets = len(rows)
    to_arrive = [m for r in rows if (m := _minutes(r[1], r[4])) is not None]
    on_site = [m for r in rows if (m := _minutes(r[4], r[5])) is not None]
    in_time = sum(1 for r in rows if r[2] and _minutes(r[1], r[2]) <= 3)
    limit = {r: LIMITS.get(LIFTS[r[0]][2], DEFAULT_LIMIT) for r in rows}
    on_time = sum(1 for r in rows if r[4] and _minutes(r[1], r[4]) <= limit[r])
    overtime = sum(1 for r in rows if (_minutes(r[1], r[4] or r[5]) or 0) > limit[r])
    levels = [1 + len(r[3]) for r in rows]
    return {
        "lifts_in_service": lifts, "tickets": tickets,
        "notified": sum(1 for r in rows if r[1]),
        "responded_in_time": in_time, "arrived_in_limit": on_time, "overtime": overtime,
        "level_1": levels.count(1), "level_2": levels.count(2), "level_3": levels.count(3),
        "avg_minutes_to_arrive": _round(mean(to_arrive)) if to_arrive else None,
        "median_minutes_to_arrive": _round(percentile(to_arrive, 0.5)),
        "p90_minutes_to_arrive": _round(percentile(to_arrive, 0.9)),
        "avg_minutes_on_site": _round(mean(on_site)) if on_site else None,
        "lifts_per_ticket": _round(lifts / tickets) if tickets else None,
        "tickets_per_10k_lifts": _round(tickets * 10_000 / lifts) if lifts else None,
        "tickets_per_lift_pct": _round(tickets * 100 / lifts, 4) if lifts else None,
        "response_rate_pct": _round(in_time * 100 / tickets) if tickets else None,  # all notified
        "arrival_rate_pct": (_round(on_time * 100 / (on_time + overtime))
                             if on_time + overtime else None),
        "overtime_share_pct": _round(overtime * 100 / tickets) if tickets else None,
    }


def lifts_where(position: int, value: str) -> list[str]:
    """Our lift names whose (unit, station, district)[position] is `value`."""
    return [n for n, facts in LIFTS.items() if facts[position] == value]
