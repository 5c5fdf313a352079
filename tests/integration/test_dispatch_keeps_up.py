"""The dispatcher under a backlog (issue 18): no wasted inserts, the oldest alarms first, rows
already acted on never hold up the rest, and /readyz and the console say when it is behind."""

import logging
import threading
import time

import psycopg
import pytest

from adapters.projection_runtime.readiness import BehindWatch
from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.integration.test_view_failures import board_as
from tests.live import dispatcher_running, running, wait_for


@pytest.fixture()
def settings(settings):
    return settings.model_copy(update={"dispatcher_poll_seconds": 0.1,
                                       "dispatcher_behind_seconds": 0.5})


def gaps(database_url: str) -> int:
    """Notification ids handed out but never stored: each one is a rolled-back insert."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT coalesce(max(notification_id), 0) - count(*) "
                           "FROM tickets_events").fetchone()
    return int(row[0])


def notified(database_url: str) -> list[str]:
    """Ticket ids in the order they were notified."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT originator_id::text FROM tickets_events WHERE topic LIKE "
                            "'%StationNotified' ORDER BY notification_id").fetchall()
    return [r[0] for r in rows]


def bound_lifts(client, count=4):
    unit = make_unit(client)
    station = make_station(client, unit)
    lifts = [make_lift(client, unit, n) for n in range(1, count + 1)]
    client.post(f"/v1/stations/{station}/bind", json={"registration_codes": lifts})
    return lifts


def alarm(client, lift, ref, source="iot"):
    response = client.post("/v1/alarms", json={"lift": lift, "source": source,
                                                "source_ref": ref})
    assert response.status_code in (200, 201), response.text
    return response.json()["ticket_id"]


def deadline_rows(services, count):
    """Run the views until the deadlines view holds `count` rows waiting for dispatch."""
    with running("projections", services):
        wait_for(lambda: services.deadlines.backlog()[0] >= count)


def test_alarms_and_their_retries_through_the_dispatcher_waste_no_inserts(client,
                                                                          database_url):
    lifts = bound_lifts(client)
    before, n = gaps(database_url), 40

    def post(k):
        for i in range(k, n, 4):
            first = alarm(client, lifts[k], f"k-{i}")
            assert alarm(client, lifts[k], f"k-{i}") == first  # a retry: the same ticket

    with dispatcher_running(client.app.state.services):
        threads = [threading.Thread(target=post, args=(k,)) for k in range(4)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        wait_for(lambda: len(notified(database_url)) >= n)
    assert len(notified(database_url)) == n
    assert gaps(database_url) == before  # max(id) - count(*): no insert was rolled back


def test_oldest_first_and_acted_rows_do_not_hold_up_the_rest(client, database_url):
    services = client.app.state.services
    lifts = bound_lifts(client)
    tickets = [alarm(client, lifts[i % 4], f"o-{i}") for i in range(6)]
    deadline_rows(services, 6)
    services.dispatcher.batch = 2
    # The views are stopped: the deadlines view still shows the first two as due afterwards.
    for done in (2, 4, 6):  # each round: the two oldest still waiting (acted in parallel)
        assert services.dispatcher.run_once() == 2
        assert sorted(notified(database_url)) == sorted(tickets[:done])
    assert services.dispatcher.run_once() == 0
    assert len(notified(database_url)) == 6  # each exactly once


def test_a_linked_alarm_does_not_leave_its_ticket_waiting(client, database_url):
    lifts = bound_lifts(client, 1)
    ticket = alarm(client, lifts[0], "first", source="iot")
    assert alarm(client, lifts[0], "second", source="app") == ticket  # linked: version 2
    with dispatcher_running(client.app.state.services):
        wait_for(lambda: ticket in notified(database_url), seconds=30)


def logged(caplog, event):
    return [r.msg for r in caplog.records
            if isinstance(r.msg, dict) and r.msg.get("event") == event]


def test_readyz_the_console_and_the_log_say_the_dispatcher_is_behind(client, database_url,
                                                                     caplog):
    services = client.app.state.services
    watch = BehindWatch(services, every=0)
    assert client.get("/readyz").json()["dispatcher"]["ok"] is True
    lifts = bound_lifts(client, 2)
    alarm(client, lifts[0], "w-1")
    alarm(client, lifts[1], "w-2")
    deadline_rows(services, 2)
    time.sleep(0.6)  # past dispatcher_behind_seconds with no dispatcher running
    body = client.get("/readyz").json()
    assert body["dispatcher"]["ok"] is False and body["dispatcher"]["waiting"] == 2
    assert "dispatcher behind: 2 alarms waiting" in body["dispatcher"]["problem"]
    assert "调度落后 / dispatcher behind: 2 alarms waiting" in board_as(client, "operator")
    with caplog.at_level(logging.INFO):
        watch.tick()
    assert [m["waiting"] for m in logged(caplog, "dispatcher_behind")] == [2]
    with dispatcher_running(services):
        wait_for(lambda: client.get("/readyz").json()["dispatcher"]["waiting"] == 0)
    assert client.get("/readyz").json()["dispatcher"]["ok"] is True
    assert "调度落后" not in board_as(client, "operator")
    before = len(logged(caplog, "dispatcher_caught_up"))  # the role's own watch may log too
    with caplog.at_level(logging.INFO):
        watch.tick()
    assert len(logged(caplog, "dispatcher_caught_up")) == before + 1


def test_a_row_left_stuck_by_the_previous_release_is_moved_on_upgrade(client, database_url):
    from adapters.postgres.migrations.runner import migrate_database
    from adapters.runtime.audit_key import audit_key

    services = client.app.state.services
    lifts = bound_lifts(client, 1)
    ticket = alarm(client, lifts[0], "first", source="iot")
    assert alarm(client, lifts[0], "second", source="app") == ticket  # linked: version 2
    deadline_rows(services, 1)
    with psycopg.connect(database_url, autocommit=True) as conn:  # as the old projection left it
        conn.execute("UPDATE dispatch_deadlines SET version = 1 WHERE ticket_id = %s", (ticket,))
        conn.execute("DELETE FROM schema_migrations WHERE version = 18")
    done = migrate_database(database_url, audit_key(services.settings))
    assert "0018_unstick_linked_deadlines" in done, done
    with psycopg.connect(database_url) as conn:
        version = conn.execute("SELECT version FROM dispatch_deadlines WHERE ticket_id = %s",
                               (ticket,)).fetchone()[0]
    assert version == 2
    with dispatcher_running(services):
        wait_for(lambda: ticket in notified(database_url), seconds=30)
