"""Tamper check against real PostgreSQL: edit, delete or append rows by hand, get each named."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from projections.audit_chain import (
    ALTERED,
    DELETED,
    GENESIS,
    UNCHAINED,
    UNKEYED,
    Hasher,
    StoredRecord,
)
from tests.e2e.registry_helpers import make_station, make_unit

ROOT = Path(__file__).resolve().parents[2]
LIFT = "44030000000000012345"
KEY = "an-audit-key-for-these-tests-only-0123456789"


@pytest.fixture()
def settings(database_url, tmp_path):
    """Keyed with KEY; grace 0, so events the chainer has not reached count as unchained."""
    from adapters.runtime.settings import Settings

    return Settings(database_url=database_url, environment="test", db_pool_size=4,
                    audit_key=KEY, audit_grace_seconds=0, state_dir=tmp_path)


def chain(client) -> None:
    """What the audit-chain role does on each pass."""
    client.app.state.services.audit.extend()


def make_tickets(client, n: int) -> list[str]:
    ids = []
    for i in range(n):
        ticket_id = client.post("/v1/alarms", json={"lift": LIFT, "source": "iot",
                                                    "source_ref": f"a-{i}"}).json()["ticket_id"]
        client.post(f"/v1/tickets/{ticket_id}/notify", json={})
        ids.append(ticket_id)
    return ids


def named(result: dict) -> list[tuple]:
    return [(p["application"], p["notification_id"], p["problem"]) for p in result["problems"]]


def test_verify_passes_then_names_an_edited_row(client, database_url, token_for):
    make_tickets(client, 3)
    chain(client)
    auditor = token_for("auditor")
    clean = client.get("/v1/audit/verify", headers=auditor).json()
    assert clean == {"checked_events": 6, "pending_events": 0, "ok": True,
                     "first_mismatch": None, "problem_count": 0, "problems": []}
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT originator_id, originator_version FROM tickets_events "
                           "WHERE notification_id = 4").fetchone()
        changed = conn.execute(
            "UPDATE tickets_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'platform', 'sms'), 'UTF8') WHERE notification_id = 4 "
            "AND convert_from(state, 'UTF8') LIKE '%platform%'").rowcount
    assert changed == 1
    result = client.get("/v1/audit/verify", headers=auditor).json()
    assert result["ok"] is False and result["checked_events"] == 5
    assert result["first_mismatch"] == {"notification_id": 4, "ticket_id": str(row[0]),
                                        "version": row[1], "problem": ALTERED,
                                        "application": "tickets"}
    assert result["problems"] == [{"application": "tickets", "notification_id": 4,
                                   "originator_id": str(row[0]), "version": row[1],
                                   "problem": ALTERED}]


def test_a_forged_event_appended_after_the_head_is_named(client, database_url):
    make_tickets(client, 2)
    chain(client)
    with psycopg.connect(database_url) as conn:
        forged = conn.execute(
            "INSERT INTO tickets_events (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version + 100, topic, state FROM tickets_events "
            "WHERE notification_id = 4 RETURNING notification_id, originator_id, "
            "originator_version").fetchone()
    result = client.get("/v1/audit/verify").json()
    assert result["ok"] is False and result["checked_events"] == 4
    assert result["problems"] == [{"application": "tickets", "notification_id": forged[0],
                                   "originator_id": str(forged[1]), "version": forged[2],
                                   "problem": UNCHAINED}]
    # The chainer's heartbeat is signed: rewriting it to look live does not hide the event.
    client.app.state.services.audit.grace_seconds = 60
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE audit_chain_beats SET position = position + 1, "
                     "at_us = (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")
    assert named(client.get("/v1/audit/verify").json()) == [("tickets", forged[0], UNCHAINED)]
    # While the chainer is live (it passed within the grace), an event after the head is only
    # pending: it is about to be chained. docs/AUDIT.md says what that window means.
    chain(client)
    with psycopg.connect(database_url) as conn:
        conn.execute("INSERT INTO tickets_events (originator_id, originator_version, topic, "
                     "state) SELECT originator_id, originator_version + 200, topic, state "
                     "FROM tickets_events WHERE notification_id = 4")
    answer = client.get("/v1/audit/verify").json()
    assert answer["ok"] is True and answer["pending_events"] == 1


def test_registry_events_are_chained_and_checked(client, database_url):
    unit_id = make_unit(client)
    make_station(client, unit_id, workers=2)
    chain(client)
    clean = client.get("/v1/audit/verify").json()
    from adapters.projection_runtime.rebuild import status

    lags = {r["view"]: (r["position"], r["lag"]) for r in status(client.app.state.services)}
    assert lags["audit_chain"] == (0, 0) and lags["audit_chain:registry"][1] == 0
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT count(*) FROM registry_events").fetchone()[0]
        conn.execute("UPDATE registry_events SET state = convert_to(replace(convert_from("
                     "state, 'UTF8'), '工1', '工9'), 'UTF8') WHERE convert_from(state, 'UTF8') "
                     "LIKE '%工1%'")
        altered = conn.execute("SELECT notification_id FROM registry_events WHERE "
                               "convert_from(state, 'UTF8') LIKE '%工9%'").fetchone()[0]
        conn.execute("DELETE FROM registry_events WHERE notification_id = 1")
        conn.execute("INSERT INTO registry_events (originator_id, originator_version, topic, "
                     "state) SELECT originator_id, originator_version + 100, topic, state "
                     "FROM registry_events WHERE notification_id = 2")
        appended = conn.execute("SELECT max(notification_id) FROM registry_events").fetchone()[0]
    assert clean["ok"] and clean["checked_events"] == stored >= 4
    result = client.get("/v1/audit/verify").json()
    assert named(result) == [("registry", 1, DELETED), ("registry", altered, ALTERED),
                             ("registry", appended, UNCHAINED)]


def rechain_without_the_key(database_url: str, hasher: Hasher, *, old_table=False) -> None:
    """The attacker (or 2733b48): recompute every link of the ticket log without our key."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT notification_id, originator_id, originator_version, topic, "
                            "state FROM tickets_events ORDER BY notification_id").fetchall()
        links = [tuple(link[:5]) for link in hasher.extend(GENESIS, map(StoredRecord._make, rows))]
        if old_table:
            conn.cursor().executemany("INSERT INTO audit_chain VALUES (%s, %s, %s, %s, %s)", links)
            return
        conn.execute("DELETE FROM audit_chain WHERE application = 'tickets'")
        conn.cursor().executemany(
            "INSERT INTO audit_chain VALUES ('tickets', %s, %s, %s, %s, %s, 'hmac-sha256')", links)


def rewrite_ticket_event(database_url: str, notification_id: int) -> None:
    with psycopg.connect(database_url) as conn:
        assert conn.execute(
            "UPDATE tickets_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'iot', 'phone'), 'UTF8') WHERE notification_id = %s "
            "AND convert_from(state, 'UTF8') LIKE '%%iot%%'", (notification_id,)
        ).rowcount == 1


@pytest.mark.parametrize("forger", [Hasher(None), Hasher(b"not-the-audit-key" * 2)],
                         ids=["plain-sha256", "wrong-key"])
def test_a_rewrite_with_a_recomputed_chain_fails_the_keyed_check(client, database_url, forger):
    make_tickets(client, 2)
    chain(client)
    rewrite_ticket_event(database_url, 1)
    rechain_without_the_key(database_url, forger)
    result = client.get("/v1/audit/verify").json()
    assert result["ok"] is False and result["checked_events"] == 0
    assert [p["notification_id"] for p in result["problems"]] == [1, 2, 3, 4]


def test_an_unkeyed_chain_from_an_older_version_is_rekeyed_once_if_it_verifies(
        client, database_url, settings):
    from adapters.bootstrap import bootstrap

    make_tickets(client, 2)
    for tampered in (False, True):
        with psycopg.connect(database_url) as conn:  # the table as 2733b48 left it
            conn.execute("DROP TABLE audit_chain")
            conn.execute("CREATE TABLE audit_chain (notification_id bigint PRIMARY KEY, "
                         "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                         "record_hash text NOT NULL, chain_hash text NOT NULL)")
            conn.execute("DELETE FROM schema_migrations WHERE version = 3")  # keys the chain
        rechain_without_the_key(database_url, Hasher(None), old_table=True)
        if tampered:
            rewrite_ticket_event(database_url, 3)
        bootstrap(settings).close()  # migration 0003 runs at start
        result = client.get("/v1/audit/verify").json()
        if tampered:
            assert {p["problem"] for p in result["problems"]} == {UNKEYED}
        else:
            assert result["ok"] and result["checked_events"] == 4


def test_verify_names_a_deleted_row_and_the_cli_exits_1(client, database_url):
    make_tickets(client, 2)
    chain(client)
    assert client.get("/v1/audit/verify").json()["ok"]
    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM tickets_events WHERE notification_id = 2")
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR",
                        "LIFTRESCUE_AUDIT_KEY": KEY}
    cli = subprocess.run([sys.executable, "-m", "adapters.cli", "audit", "verify"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60, check=False)
    assert cli.returncode == 1, cli.stderr
    assert f'"problem": "{DELETED}"' in cli.stdout
    assert '"notification_id": 2' in cli.stdout
    assert "tickets #2" in cli.stderr


def test_verify_is_for_auditors_and_admins(client, token_for):
    assert client.get("/v1/audit/verify", headers=token_for("operator")).status_code == 403
    assert client.get("/v1/audit/verify", headers=token_for("auditor")).status_code == 200


def test_ticket_history_cli_shows_events_and_state_as_of(client, database_url):
    ticket_id = make_tickets(client, 1)[0]
    events = client.get(f"/v1/tickets/{ticket_id}/events").json()
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR",
                        "LIFTRESCUE_AUDIT_KEY": KEY}
    cli = subprocess.run([sys.executable, "-m", "adapters.cli", "ticket", "history", ticket_id,
                          "--as-of", events[0]["recorded_at"].replace("Z", "+00:00")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert cli.returncode == 0, cli.stderr
    assert "AlarmReceived" in cli.stdout and "StationNotified" not in cli.stdout
    assert "state at v1: received" in cli.stdout and "by admin:test" in cli.stdout
