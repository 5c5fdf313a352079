"""SIGKILL the dispatcher mid-timer: no timer is lost and none fires twice."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.e2e.registry_helpers import make_lift, make_station, make_unit

ROOT = Path(__file__).resolve().parents[2]


def start_dispatcher(database_url: str) -> subprocess.Popen:
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url,
                        # the test process's keys (personal data, audit): one deployment
                        "LIFTRESCUE_ENVIRONMENT": "test",
                        "LIFTRESCUE_ACCEPT_TIMEOUT_SECONDS": "3",
                        "LIFTRESCUE_DISPATCHER_POLL_SECONDS": "0.1",
                        "LIFTRESCUE_LOG_LEVEL": "WARNING",
                        # `serve` is production: the log gateway only as an explicit drill.
                        "LIFTRESCUE_SMS_GATEWAY": "log", "LIFTRESCUE_SMS_DRILL": "true"}
    return subprocess.Popen([sys.executable, "-m", "adapters.cli", "serve", "dispatcher"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def types(client, ticket_id):
    return [e["type"] for e in client.get(f"/v1/tickets/{ticket_id}/events").json()]


def wait_for_count(client, ticket_id, kind, count, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if types(client, ticket_id).count(kind) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"{kind} x{count} not reached: {types(client, ticket_id)}")


def test_killed_dispatcher_loses_no_timer_and_fires_none_twice(client, database_url):
    from adapters.runtime.roles import run_projections

    stop = threading.Event()
    views = threading.Thread(target=run_projections, args=(client.app.state.services, stop),
                             daemon=True)
    views.start()
    try:
        unit = make_unit(client)
        home = make_station(client, unit, "一站")
        make_station(client, unit, "二站")
        lift = make_lift(client, unit, 1)
        last = client.post(f"/v1/stations/{home}/bind", json={"registration_codes": [lift]})
        client.get("/v1/lifts", params={"after": last.json()["notification_id"]})
        tickets = [client.post("/v1/alarms", json={"lift": lift, "source": "iot",
                                                   "source_ref": f"k{i}"}).json()["ticket_id"]
                   for i in range(3)]
        dispatcher = start_dispatcher(database_url)
        for ticket_id in tickets:
            wait_for_count(client, ticket_id, "StationNotified", 1)
        dispatcher.send_signal(signal.SIGKILL)  # mid-timer: the 3 s accept timeout is running
        dispatcher.wait(timeout=10)
        time.sleep(3.5)  # the deadline passes while no dispatcher runs
        assert all(types(client, t).count("Escalated") == 0 for t in tickets)
        restarted = start_dispatcher(database_url)
        try:
            for ticket_id in tickets:
                wait_for_count(client, ticket_id, "StationNotified", 3, seconds=40)
            time.sleep(4)  # time for any duplicate to show up
        finally:
            restarted.send_signal(signal.SIGKILL)
            restarted.wait(timeout=10)
        for ticket_id in tickets:
            seen = types(client, ticket_id)
            assert seen.count("Escalated") == 2 and seen.count("StationNotified") == 3, seen
            outbox = client.get("/v1/notifications", params={"ticket_id": ticket_id}).json()
            keys = [i["key"] for i in outbox["items"] if ":link:" not in i["key"]]
            assert len(keys) == len(set(keys)) == 2  # level 1 and level 2 SMS, once each
    finally:
        stop.set()
        views.join(timeout=30)
