"""Tamper check against real PostgreSQL: edit or delete a stored row by hand, get it named."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
LIFT = "44030000000000012345"


def make_tickets(client, n: int) -> list[str]:
    ids = []
    for i in range(n):
        ticket_id = client.post("/v1/alarms", json={"lift": LIFT, "source": "iot",
                                                    "source_ref": f"a-{i}"}).json()["ticket_id"]
        client.post(f"/v1/tickets/{ticket_id}/notify", json={})
        ids.append(ticket_id)
    return ids


def test_verify_passes_then_names_an_edited_row(client, database_url, token_for):
    make_tickets(client, 3)
    auditor = token_for("auditor")
    clean = client.get("/v1/audit/verify", headers=auditor).json()
    assert clean == {"checked_events": 6, "pending_events": 0, "ok": True, "first_mismatch": None}
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT originator_id, originator_version FROM tickets_events "
                           "WHERE notification_id = 4").fetchone()
        changed = conn.execute(
            "UPDATE tickets_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'platform', 'sms'), 'UTF8') WHERE notification_id = 4 "
            "AND convert_from(state, 'UTF8') LIKE '%platform%'").rowcount
    assert changed == 1
    result = client.get("/v1/audit/verify", headers=auditor).json()
    assert result["ok"] is False and result["checked_events"] == 3
    assert result["first_mismatch"] == {"notification_id": 4, "ticket_id": str(row[0]),
                                        "version": row[1], "problem": "stored event was altered"}


def test_verify_names_a_deleted_row_and_the_cli_exits_1(client, database_url, settings):
    make_tickets(client, 2)
    assert client.get("/v1/audit/verify").json()["ok"]
    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM tickets_events WHERE notification_id = 2")
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    cli = subprocess.run([sys.executable, "-m", "adapters.cli", "audit", "verify"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 1, cli.stderr
    assert '"problem": "event deleted from the store"' in cli.stdout
    assert '"notification_id": 2' in cli.stdout


def test_verify_is_for_auditors_and_admins(client, token_for):
    assert client.get("/v1/audit/verify", headers=token_for("operator")).status_code == 403
    assert client.get("/v1/audit/verify", headers=token_for("auditor")).status_code == 200


def test_ticket_history_cli_shows_events_and_state_as_of(client, database_url):
    ticket_id = make_tickets(client, 1)[0]
    events = client.get(f"/v1/tickets/{ticket_id}/events").json()
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    cli = subprocess.run([sys.executable, "-m", "adapters.cli", "ticket", "history", ticket_id,
                          "--as-of", events[0]["recorded_at"].replace("Z", "+00:00")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert "AlarmReceived" in cli.stdout and "StationNotified" not in cli.stdout
    assert "state at v1: received" in cli.stdout and "by admin:test" in cli.stdout
