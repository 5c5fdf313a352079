"""Two months of tickets for the monthly report tests, and the figures they imply (computed
from the script, not typed in)."""

import statistics
from datetime import datetime

import psycopg

from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.live import wait_for

MONTH, PREVIOUS = "2026-10", "2026-09"
CALLER = {"name": "王小明", "phone": "13512345678"}
PERSONAL = ["王小明", "13512345678", "陈经理", "13800138000", "刘站长", "13900139000",
            "13700137000"]
CAUSES = {"T1": ("3", "302"), "T2": ("3", "303"), "T4": ("1", "101")}


def t(day: str, clock: str) -> str:
    return f"{day}T{clock}+08:00"


# name: (lift index or None, received, notified, arrived, cancelled)
SCRIPT = {
    "S1": (0, t("2026-09-05", "10:00:00"), t("2026-09-05", "10:01:00"),
           t("2026-09-05", "10:21:00"), False),
    "S2": (2, t("2026-09-30", "23:59:59"), None, None, False),
    "T1": (0, t("2026-10-03", "08:00:00"), t("2026-10-03", "08:01:00"),
           t("2026-10-03", "08:11:00"), False),
    "T2": (0, t("2026-10-10", "09:00:00"), t("2026-10-10", "09:01:00"),
           t("2026-10-10", "09:41:00"), False),
    "T3": (1, t("2026-10-15", "10:00:00"), t("2026-10-15", "10:01:00"),
           t("2026-10-15", "10:26:00"), False),
    "T4": (2, t("2026-10-20", "18:30:00"), t("2026-10-20", "18:31:00"),
           t("2026-10-20", "18:36:00"), False),
    "T5": (1, t("2026-10-21", "19:00:00"), None, None, True),
    "T6": (0, t("2026-10-31", "23:59:59"), None, None, False),
    "T7": (2, t("2026-11-01", "00:00:00"), None, None, False),
    "T8": (None, t("2026-10-25", "12:00:00"), None, None, False),  # a lift nobody registered
}
UNREGISTERED = "44039999999999999999"


def seed(client) -> dict:
    """Units A (lifts 0, 1) and B (lift 2), stations bound, the script's tickets; the lifts
    are dated as registered in January (an import), so they count at both months' ends."""
    unit_a, unit_b = make_unit(client, "安达维保"), make_unit(client, "北辰维保")
    sa1 = make_station(client, unit_a, "南山一站")
    sb1 = make_station(client, unit_b, "福田一站", districts=("福田区",))
    lifts = [make_lift(client, unit_a, 1), make_lift(client, unit_a, 2),
             make_lift(client, unit_b, 3, using="U-2", district="福田区")]
    client.post(f"/v1/stations/{sa1}/bind", json={"registration_codes": lifts[:2]})
    client.post(f"/v1/stations/{sb1}/bind", json={"registration_codes": lifts[2:]})
    ids, last = {}, 0
    for name, (lift, received, notified, arrived, cancelled) in SCRIPT.items():
        made = client.post("/v1/alarms", json={
            "lift": UNREGISTERED if lift is None else lifts[lift], "source": "96333", "source_ref": name, "received_at": received,
            "dispatch": "external", "caller": CALLER})
        assert made.status_code == 201, made.text
        ids[name], last = made.json()["ticket_id"], made.json()["notification_id"]
        steps = [("notify", {"at": notified, "station_id": sb1 if lift == 2 else sa1}),
                 ("arrive", {"at": arrived}),
                 ("release", {"at": arrived, "released_count": 1, "released_by": "rescuer"})
                 ] if notified else []
        if name in CAUSES:
            root, sub = CAUSES[name]
            steps.append(("fault-report", {"cause": {"root": root, "sub": sub},
                                           "description": "检查"}))
        if cancelled:
            steps = [("cancel", {"reason": "false_alarm", "at": received})]
        for command, body in steps:
            done = client.post(f"/v1/tickets/{ids[name]}/{command}", json=body)
            assert done.status_code == 200, (name, command, done.text)
            last = done.json()["notification_id"]
    client.get("/v1/dynamics", params={"after": last})  # the views have caught up
    with psycopg.connect(client.app.state.services.database_url, autocommit=True) as conn:
        wait_for(lambda: conn.execute("SELECT count(*) FROM lifts_view WHERE registered_at "
                                      "IS NOT NULL").fetchone()[0] == len(lifts), 30)
        conn.execute("UPDATE lifts_view SET registered_at = '2026-01-01T00:00:00+08:00'")
    return {"ids": ids, "units": (unit_a, unit_b), "lifts": lifts,
            "stations": ("南山一站", "福田一站")}


def expected(month: str, limit: int = 30) -> dict:
    """The month's figures from SCRIPT: tickets, overtime, notified, arrival minutes."""
    rows = [(name, lift, datetime.fromisoformat(received), notified and
             datetime.fromisoformat(notified), arrived and datetime.fromisoformat(arrived))
            for name, (lift, received, notified, arrived, cancelled) in SCRIPT.items()
            if not cancelled and received[:7] == month]
    minutes = sorted((a - n).total_seconds() / 60 for _, _, _, n, a in rows if a)
    late = [name for name, _, _, n, a in rows if a and (a - n).total_seconds() / 60 > limit]
    per_lift = {lift: sum(r[1] == lift for r in rows) for lift in {r[1] for r in rows}}
    return {"tickets": len(rows), "notified": sum(1 for r in rows if r[3]), "late": late,
            "minutes": minutes, "median": statistics.median(minutes) if minutes else None,
            "per_lift": per_lift, "names": [r[0] for r in rows]}
