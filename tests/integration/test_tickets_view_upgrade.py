"""A tickets_view of an older shape (no maint_notified_at) is brought up to date by the
migrations (run at start): the column is added and, its shape version being older, the log is
replayed onto the rows, so old tickets reach the overtime list."""

import threading

import psycopg

from adapters.bootstrap import bootstrap
from adapters.postgres.views.tickets import PostgresTicketsView
from adapters.projection_runtime.rebuild import rebuild
from adapters.projection_runtime.supervisor import by_name
from adapters.runtime.roles import run_projections
from tests.e2e.registry_helpers import code


def test_an_older_view_gains_the_column_and_replays_its_rows(client, database_url, settings):
    services = client.app.state.services
    ticket = client.post("/v1/alarms", json={
        "lift": code(77), "source": "96333", "source_ref": "old", "dispatch": "external",
        "received_at": "2026-11-20T08:00:00+08:00"}).json()
    last = client.post(f"/v1/tickets/{ticket['ticket_id']}/notify", json={
        "at": "2026-11-20T08:01:00+08:00"}).json()["notification_id"]
    rebuild(services, by_name("tickets_view"), lambda n: None)  # the view, caught up ...
    with psycopg.connect(database_url, autocommit=True) as conn:  # ... in the older shape
        conn.execute("ALTER TABLE tickets_view DROP COLUMN maint_notified_at")
        conn.execute("DELETE FROM schema_migrations WHERE version = 4")
        conn.execute("UPDATE view_versions SET version = 1 WHERE view = 'tickets_view'")
    view = PostgresTicketsView(services.tickets.recorder.datastore)
    assert view.max_tracking_id(services.tickets.name) == last
    bootstrap(settings).close()  # what every process of the new release does on start
    assert view.max_tracking_id(services.tickets.name) is None  # the log will be replayed

    stop = threading.Event()
    worker = threading.Thread(target=run_projections, args=(services, stop), daemon=True)
    worker.start()
    try:
        listed = client.get("/v1/overtime", params={"after": last})
        assert listed.headers["x-view-caught-up"] == "true"
        items = listed.json()["items"]
        assert [(i["ticket_id"], i["reason"]) for i in items] == [(ticket["ticket_id"], "open")]
        assert items[0]["notified_at"].startswith("2026-11-20T00:01:00")
    finally:
        stop.set()
        worker.join(timeout=30)
