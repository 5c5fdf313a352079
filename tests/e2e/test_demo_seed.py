"""`liftrescue dev --demo` seeds a district every page can show: counted through the API."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg


def test_demo_district_through_the_api(client, views, count_events, database_url):
    from adapters.cli import demo

    made = demo.seed(client.app.state.services)
    assert made is not None and demo.seed(client.app.state.services) is None  # seeds once

    stations = client.get("/v1/stations").json()["items"]
    assert len(stations) >= 9 and len({s["unit_id"] for s in stations}) >= 3
    lifts, cursor = [], None
    while True:
        page = client.get("/v1/lifts", params={"limit": 1000, **({"cursor": cursor} if cursor
                                                                 else {})}).json()
        lifts += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert len(lifts) >= 300 and len({lift["registration_code"] for lift in lifts}) == len(lifts)

    window = {"from": (datetime.now(UTC) - timedelta(days=31)).isoformat(),
              "to": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()}
    counts = client.get("/v1/stats/tickets", params={"group_by": "hour", **window}).json()
    assert sum(row["tickets"] for row in counts["items"]) >= 60
    by_station = client.get("/v1/stats/tickets", params={"group_by": "station", **window}).json()
    assert len([row for row in by_station["items"] if row["key"]]) >= 9  # every station had one

    overtime = client.get("/v1/overtime", params=window).json()["items"]
    reasons = Counter(row["reason"] for row in overtime)
    assert reasons["late"] >= 1 and reasons["never_arrived"] >= 1 and reasons["open"] >= 1
    assert reasons["late"] == made["history"]["late"] + 1  # + DEMO-2, today
    assert reasons["never_arrived"] == made["history"]["never_arrived"]

    with psycopg.connect(database_url) as conn:
        topics = Counter(row[0].rsplit(".", 1)[-1] for row in
                         conn.execute("SELECT topic FROM tickets_events").fetchall())
    assert topics["TimeCorrected"] >= 1 and topics["AlarmLinked"] >= 1
    assert topics["Cancelled"] >= 2 and topics["Closed"] >= 40
    assert len(client.get("/v1/overtime/open").json()["items"]) >= 1  # live, still open

    # Last month's report counts the lifts: seeded now, in use (使用登记) for years.
    from adapters.reports.generate import ReportMaker
    from adapters.reports.monthly import next_month

    services = client.app.state.services
    last_month = next_month(datetime.now(ZoneInfo(services.settings.timezone)).strftime("%Y-%m"),
                            -1)
    headline = ReportMaker(services.pool, services.settings).reports.headline(last_month, None)
    assert headline.lifts_in_service >= 300, headline
