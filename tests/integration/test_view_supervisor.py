"""The view supervisor: catches up, restarts a dead runner; the stall rule for lost NOTIFYs."""

import threading
import time

from adapters.projection_runtime.supervisor import STALL_SECONDS, Supervisor, by_name, is_stalled, position
from tests.e2e.registry_helpers import make_unit


def wait_caught_up(services, view, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with services.pool.connection() as conn:
            tracked, newest = position(conn, view)
        if tracked >= newest > 0:
            return tracked
        time.sleep(0.05)
    raise AssertionError("view did not catch up")


def wait_registered(supervisor, view, seconds=10):
    """The runner starts processing before the supervisor has stored it: wait for both."""
    deadline = time.monotonic() + seconds
    while view.name not in supervisor.runners and time.monotonic() < deadline:
        time.sleep(0.02)
    return supervisor.runners[view.name]


def test_stall_rule():
    assert not is_stalled(5, 5, 0.0, 100.0)  # caught up
    assert not is_stalled(4, 5, 100.0, 100.0 + STALL_SECONDS - 0.1)  # lagging only briefly
    assert is_stalled(4, 5, 100.0, 100.0 + STALL_SECONDS + 0.1)  # lagging and not moving


def test_supervisor_restarts_a_dead_runner(client):
    services = client.app.state.services
    view = by_name("registry_view")
    supervisor = Supervisor([view], services.env, services.database_url)
    stop = threading.Event()
    thread = threading.Thread(target=supervisor.run, args=(stop,), daemon=True)
    thread.start()
    try:
        make_unit(client, "一")
        wait_caught_up(services, view)
        first = wait_registered(supervisor, view)
        first.stop()  # the runner dies
        make_unit(client, "二")
        wait_caught_up(services, view)
        assert supervisor.runners.get(view.name) is not first
        rows = services.registry_queries._rows("SELECT name FROM units_view ORDER BY name")
        assert [r["name"] for r in rows] == ["一", "二"]
    finally:
        stop.set()
        thread.join(timeout=30)
