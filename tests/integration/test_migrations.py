"""A database made by release 2733b48 (tests/fixtures/release-2733b48.sql.gz) upgrades with
`liftrescue migrate` and serves: old tickets with their history, views rebuilt in the new shape,
registry routing, a re-keyed audit chain; a second `migrate` changes nothing."""

import gzip
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from adapters.postgres.migrations.runner import known
from tests.e2e.registry_helpers import code

pytestmark = pytest.mark.empty_db  # each test restores an old release's database itself

ROOT = Path(__file__).resolve().parents[2]
# Gzipped: a pg_dump is data, not source (the duplicates measure would read it as code).
FIXTURE = ROOT / "tests" / "fixtures" / "release-2733b48.sql.gz"
CLOSED = "1c2ffff6-4a11-5cf5-bc74-4eb1f46e0437"  # walked from alarm to closed
NOTIFIED = "31d69425-3ccb-530f-8fb2-6cfc3c2bf982"
CANCELLED = "e6a746fa-bcca-53e3-81ac-3671d551f32f"
UNIT, STATION = "d284468c-fce4-4651-ae84-2ce6c56184fe", "4014dfe6-183e-4d12-8e15-769a46eda0b0"
# The maintenance side was notified at 08:01 and 09:01 in Shenzhen.
NOTIFIED_AT = {CLOSED: datetime(2026, 11, 20, 0, 1, tzinfo=UTC),
               NOTIFIED: datetime(2026, 11, 20, 1, 1, tzinfo=UTC), CANCELLED: None}


def run_migrate(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url,
                        "LIFTRESCUE_ENVIRONMENT": "test", "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    return subprocess.run([sys.executable, "-m", "adapters.cli", "migrate", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def migrate(database_url: str) -> list[str]:
    """`liftrescue migrate` as an operator runs it; its output lines."""
    done = run_migrate(database_url)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture()
def upgraded(database_url: str) -> list[str]:
    """The old release's database, restored, then migrated (before any service starts)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(gzip.decompress(FIXTURE.read_bytes()).decode())
    return migrate(database_url)


def rows_of(database_url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for_view(database_url: str) -> dict[str, datetime | None]:
    """tickets_view's maint_notified_at per ticket, once the replay has filled it."""
    deadline = time.monotonic() + 30
    while True:
        rows = dict(rows_of(database_url, "SELECT ticket_id, maint_notified_at FROM tickets_view"))
        if rows.get(CLOSED) is not None or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def test_first_migrate_applies_every_version_and_replays_the_reshaped_view(upgraded):
    assert upgraded[:4] == ["applied 0001_release_2733b48", "applied 0002_issue12_tables",
                            "applied 0003_audit_chain_keyed",
                            "applied 0004_tickets_view_maint_notified"]
    replays = [line for line in upgraded if line.startswith("view ")]
    assert replays == [  # the views whose shape grew (registry_view: issue 15, 0011 and 0012)
        "view registry_view: shape changed, its log is replayed by the projections role",
        "view tickets_view: shape changed, its log is replayed by the projections role"]
    assert upgraded[-1].startswith("schema migrated")


def test_an_old_database_upgrades_and_serves(upgraded, database_url, client, views):
    closed = client.get(f"/v1/tickets/{CLOSED}")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    events = client.get(f"/v1/tickets/{CLOSED}/events").json()
    assert [e["type"] for e in events] == [
        "AlarmReceived", "StationNotified", "ResponderAssigned", "ArrivedOnSite",
        "PassengersReleased", "FaultReportFiled", "Closed"]

    maint = wait_for_view(database_url)  # replayed from the log into the new column
    assert maint == NOTIFIED_AT
    # The old release's PassengersReleased and Closed (v1) load upcast: no rescue method, no
    # callback (shape 4, migration 0009), and the closed ticket stays closed.
    released = next(e for e in events if e["type"] == "PassengersReleased")
    assert released["data"]["rescue_method"] is None
    assert events[-1]["data"]["without_callback_reason"] is None
    assert rows_of(database_url, "SELECT rescue_method, callback_confirmed_at FROM tickets_view "
                                 "WHERE ticket_id = %s", CLOSED) == [(None, None)]
    # ... and the search columns of shape 3 (migration 0007) from the old tickets' snapshots
    using, address = rows_of(database_url, "SELECT using_unit_code, address FROM tickets_view "
                                           "WHERE ticket_id = %s", CLOSED)[0]
    assert using is not None
    for search in ({"using_unit": using}, {"q": address}):
        found = client.get("/v1/tickets", params={**search, "limit": 500}).json()["items"]
        assert CLOSED in [i["ticket_id"] for i in found], search

    routed = client.post("/v1/alarms", json={"lift": code(2), "source": "96333",
                                             "source_ref": "NEW-1"})
    assert routed.status_code == 201, routed.text
    ticket = f"/v1/tickets/{routed.json()['ticket_id']}"
    assert client.get(ticket).json()["lift"]["unit_id"] == UNIT  # the old registry's lift
    dispatcher, deadline = client.app.state.services.dispatcher, time.monotonic() + 30
    while client.get(ticket).json()["status"] == "received" and time.monotonic() < deadline:
        dispatcher.run_once()  # once the deadlines view has the ticket, its station is told
        time.sleep(0.1)
    station = client.get(ticket).json()["station"]
    assert (station["kind"], station["id"]) == ("station", STATION)  # bound by the old release

    audit = client.app.state.services.audit
    while audit.extend():  # what the audit-chain role does: the registry log is chained anew
        pass
    assert rows_of(database_url, "SELECT DISTINCT kind FROM audit_chain") == [("hmac-sha256",)]
    verified = client.get("/v1/audit/verify").json()
    assert verified["ok"] is True, verified["problems"][:3]
    tickets_events = rows_of(database_url, "SELECT count(*) FROM tickets_events")[0][0]
    registry_events = rows_of(database_url, "SELECT count(*) FROM registry_events")[0][0]
    assert verified["checked_events"] == tickets_events + registry_events


def test_a_second_migrate_is_a_no_op(upgraded, database_url, client, views):
    wait_for_view(database_url)
    before = rows_of(database_url, "SELECT application_name, notification_id "
                                   "FROM tickets_view_tracking ORDER BY 1")
    ledger = rows_of(database_url, "SELECT version, applied_at FROM schema_migrations")
    again = migrate(database_url)
    assert [line for line in again if line.startswith("applied")] == []
    newest = known()[-1]
    assert again[-1] == f"schema up to date (version {newest.version:04d}_{newest.name})"
    assert rows_of(database_url, "SELECT version, applied_at FROM schema_migrations") == ledger
    after = rows_of(database_url, "SELECT application_name, notification_id "
                                  "FROM tickets_view_tracking ORDER BY 1")
    assert after == before and ("tickets", 11) in after  # not replayed a second time


def test_a_database_migrated_by_a_newer_release_is_refused(database_url, settings):
    from adapters.bootstrap import bootstrap

    migrate(database_url)
    with psycopg.connect(database_url) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')")
    refused = run_migrate(database_url)
    assert refused.returncode == 1 and "[9999]" in refused.stderr
    assert "newer LiftRescue" in refused.stderr
    with pytest.raises(RuntimeError, match=r"\[9999\]"):
        bootstrap(settings)  # no role starts on it either
    status = run_migrate(database_url, "--status").stdout.splitlines()
    assert [line.split()[-1] for line in status] == ["applied"] * len(known())
