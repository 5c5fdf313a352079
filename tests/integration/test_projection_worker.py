"""Projection workers: rebuilt == live, and a SIGKILLed worker resumes without loss or double count."""

import signal
import threading
import time

from tests.faults.harness import cli, report

LIFT = "44030000000000000001"


def drive(services, start: int, count: int) -> None:
    from dispatch.commands import ArriveOnSite, Context, NotifyStation, ReceiveAlarm

    ctx = Context("test", "c")
    for i in range(start, start + count):
        ticket = services.tickets.receive_alarm(ReceiveAlarm(
            lift=LIFT, source="iot", source_ref=f"w{i}", dispatch="external"), ctx).ticket
        services.tickets.notify_station(NotifyStation(ticket_id=ticket.id, station=None,
                                                      channel="sms"), ctx)
        if i % 2:
            services.tickets.arrive_on_site(ArriveOnSite(ticket_id=ticket.id), ctx)


def wait_until_caught_up(services, seconds=60):
    from adapters.projection_runtime.supervisor import by_name, position

    view, deadline = by_name("tickets_view"), time.monotonic() + seconds
    while time.monotonic() < deadline:
        with services.pool.connection() as conn:
            tracked, newest = position(conn, view)
        if tracked == newest:
            return
        time.sleep(0.1)
    raise AssertionError(f"tickets_view stuck at {tracked}/{newest}")


def expected_rows(services):
    """Each ticket's version and status straight from the event store."""
    with services.pool.connection() as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT DISTINCT originator_id FROM tickets_events").fetchall()]
    return {str(i): (t.version, t.status) for i in ids
            for t in [services.tickets.ticket(i)]}


def view_rows(services):
    with services.pool.connection() as conn:
        return {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT ticket_id, version, status FROM tickets_view").fetchall()}


def test_killed_projection_worker_resumes_without_loss_or_double_count(services, database_url,
                                                                       capsys):
    worker = cli(database_url, "serve", "projections")
    feeder = threading.Thread(target=drive, args=(services, 0, 60))
    feeder.start()
    time.sleep(1.5)
    worker.send_signal(signal.SIGKILL)  # mid-stream
    worker.wait(timeout=10)
    feeder.join()
    drive(services, 60, 20)  # more events while no worker runs
    restarted = cli(database_url, "serve", "projections")
    try:
        wait_until_caught_up(services)
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=30)
    assert view_rows(services) == expected_rows(services)
    assert len(view_rows(services)) == 80
    with services.pool.connection() as conn:
        events = conn.execute("SELECT count(*) FROM tickets_events").fetchone()[0]
    report(capsys, "projection worker SIGKILL", tickets=80, events=events,
           projected=len(view_rows(services)))


def test_rebuilt_view_equals_the_live_one_row_for_row(services, database_url):
    from adapters.postgres.views.tickets import PostgresTicketsView

    worker = cli(database_url, "serve", "projections")
    try:
        drive(services, 0, 30)
        wait_until_caught_up(services)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    view = PostgresTicketsView(services.tickets.recorder.datastore)
    live = view.snapshot()
    rebuild = cli(database_url, "projections", "rebuild", "tickets_view", capture=True)
    out, err = rebuild.communicate(timeout=120)
    assert rebuild.returncode == 0, err
    assert "tickets_view: rebuilt from 75 events" in out
    assert view.snapshot() == live and len(live) == 30
    status = cli(database_url, "projections", "status", capture=True)
    out, _ = status.communicate(timeout=60)
    assert ["tickets_view", "75", "75", "0"] in [line.split() for line in out.splitlines()]
    assert ["registry_view", "0", "0", "0"] in [line.split() for line in out.splitlines()]
