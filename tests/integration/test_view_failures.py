"""A view that fails repeatedly is never silent: /readyz, console banner, error log, /metrics.

Faults are real: a CHECK constraint on a view's table makes its projection raise on a real
event, the supervisor runs against real PostgreSQL, and removing the constraint heals it.
"""

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.projection_runtime.supervisor import Supervisor, catalogue
from tests.e2e.registry_helpers import make_unit
from tests.live import wait_for

BANNER = "投影 registry_view 停滞 / view registry_view stalled"


@pytest.fixture()
def stall_seconds():
    """Long by default, so that failures alone must turn readiness red."""
    return 60.0


@pytest.fixture()
def settings(database_url, stall_seconds):
    """Short thresholds: two failures in a row is not ready."""
    from adapters.runtime.settings import Settings

    return Settings(database_url=database_url, environment="test", db_pool_size=4,
                    view_stall_seconds=stall_seconds, view_failures_unready=2)


def sql(database_url, statement):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(statement)


class Running:
    """The supervisor over every catalogued view, in a thread, for a `with` block."""

    def __init__(self, services):
        self.supervisor = Supervisor(catalogue(), services.env, services.database_url)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.supervisor.run, args=(self.stop,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self.supervisor

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=30)


def metric(client, name, view):
    text = client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels.get("view") == view:
                return sample.value
    raise AssertionError(f"{name}{{view={view}}} not in /metrics")


def board_as(client, role, unit_id=None):
    """The console board as a user of `role` (a real session, as after login)."""
    services = client.app.state.services
    token, _ = services.tokens.create(role=role, name=f"{role}-1", unit_id=unit_id)
    client.cookies.set("lr_session", services.sessions.open(token))
    try:
        page = client.get("/console/board")
        assert page.status_code == 200, page.text
        return page.text
    finally:
        client.cookies.clear()


def errors_logged(caplog, view):
    return [r for r in caplog.records if r.levelno == logging.ERROR and isinstance(r.msg, dict)
            and r.msg.get("event") == "view_failing" and r.msg.get("view") == view]


def test_a_view_failing_on_every_event_is_loud_until_it_heals(client, database_url, caplog,
                                                              capsys):
    services = client.app.state.services
    unit_id = make_unit(client, "一")
    sql(database_url, "ALTER TABLE units_view ADD CONSTRAINT test_fault CHECK (name <> '坏')")
    make_unit(client, "坏", lead={"name": "坏经理", "mobile": "13800138000"})
    with Running(services):
        ready = wait_for(lambda: (r := client.get("/readyz")).status_code == 503 and r)
        body = ready.json()
        assert body["ready"] is False
        assert "registry_view stalled: lag 1" in body["checks"]["views"]
        assert "IntegrityError" in body["checks"]["views"]
        state = body["views"]["registry_view"]
        assert state["lag"] == 1 and state["consecutive_failures"] >= 2
        assert state["last_error"].startswith("IntegrityError: new row for relation")
        assert "13800138000" not in ready.text  # the row's DETAIL line never leaves the log
        assert body["views"]["tickets_view"]["ok"] is True  # only the broken view is named

        for role in ("operator", "admin"):
            page = board_as(client, role)
            assert BANNER in page and "lag 1" in page and "IntegrityError" in page
        assert BANNER not in board_as(client, "unit", unit_id=unit_id)
        assert BANNER not in board_as(client, "auditor")

        wait_for(lambda: client.get("/readyz").json()["views"]["registry_view"]
                 ["consecutive_failures"] >= 3)
        logged = errors_logged(caplog, "registry_view")
        assert len(logged) == 1, "one error a minute, not one per restart"
        assert "CheckViolation" in logged[0].msg["exception"]  # with its traceback
        assert "Traceback" in logged[0].msg["exception"]

        assert metric(client, "liftrescue_view_failures_total", "registry_view") >= 3
        assert metric(client, "liftrescue_view_lag", "registry_view") == 1
        position = metric(client, "liftrescue_view_position", "registry_view")
        assert position == state["position"] > 0
        assert metric(client, "liftrescue_view_ready", "registry_view") == 0

        from adapters.cli.projections import print_status

        print_status(services)
        lines = capsys.readouterr().out.splitlines()
        below = lines[next(i for i, t in enumerate(lines) if t.startswith("registry_view")) + 1]
        assert below.startswith("  ! ") and "in a row" in below and "IntegrityError" in below

        sql(database_url, "ALTER TABLE units_view DROP CONSTRAINT test_fault")
        healed = wait_for(lambda: (r := client.get("/readyz")).status_code == 200 and r)
        assert healed.json()["views"]["registry_view"]["lag"] == 0
        assert BANNER not in board_as(client, "operator")
        assert metric(client, "liftrescue_view_ready", "registry_view") == 1
        assert metric(client, "liftrescue_view_failures_total", "registry_view") >= 3  # a count


@pytest.mark.parametrize("stall_seconds", [1.0])
def test_a_view_nobody_runs_turns_not_ready(client):
    """No supervisor at all: the log moves on, the view does not, readiness notices."""
    make_unit(client, "一")
    first = client.get("/readyz")
    assert first.status_code == 200, first.text  # just behind: not yet a stall
    time.sleep(1.2)  # past view_stall_seconds with the position unchanged
    stalled = client.get("/readyz")
    assert stalled.status_code == 503
    assert "registry_view stalled: lag 1, no progress for" in stalled.json()["checks"]["views"]
    assert metric(client, "liftrescue_view_lag", "registry_view") == 1
    with Running(client.app.state.services):
        wait_for(lambda: client.get("/readyz").status_code == 200)


def test_the_batch_follower_fails_loudly_too(client, database_url, caplog):
    """tickets_view runs on the batch follower: its error reaches readiness and the counter."""
    sql(database_url, "ALTER TABLE tickets_view ADD CONSTRAINT test_fault CHECK (false) NOT VALID")
    at = (datetime.now(UTC) - timedelta(minutes=5)).replace(microsecond=0).isoformat()
    alarm = client.post("/v1/alarms", json={
        "lift": "44030000000000012345", "source": "96333", "source_ref": "CC-1",
        "received_at": at, "trapped_count": 1, "caller": {"name": "李", "phone": "13812345678"}})
    assert alarm.status_code == 201, alarm.text
    with Running(client.app.state.services):
        ready = wait_for(lambda: (r := client.get("/readyz")).status_code == 503 and r)
        state = ready.json()["views"]["tickets_view"]
        assert state["last_error"].startswith("IntegrityError") and state["lag"] >= 1
        wait_for(lambda: metric(client, "liftrescue_view_failures_total", "tickets_view") >= 3)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == errors_logged(caplog, "tickets_view") and len(errors) == 1
        sql(database_url, "ALTER TABLE tickets_view DROP CONSTRAINT test_fault")
        wait_for(lambda: client.get("/readyz").status_code == 200)


def test_errors_are_described_without_secrets_or_row_details():
    from adapters.projection_runtime.readiness import describe

    error = psycopg.errors.CheckViolation(
        'new row violates check constraint "x"\nDETAIL:  Failing row contains (13800138000).')
    assert describe(error) == 'CheckViolation: new row violates check constraint "x"'
    leaked = OSError("connect postgresql://app:s3cret@db/x password=s3cret 13912345678")
    text = describe(leaked)
    assert "s3cret" not in text and "139****5678" in text and text.startswith("OSError: ")
