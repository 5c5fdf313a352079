"""Signed checkpoints outside the database (file + Kafka) and `audit verify --checkpoint FILE`."""

import argparse
import json
import logging
import uuid

import psycopg
import pytest

from adapters.cli import audit as cli_audit
from adapters.runtime.settings import Settings
from projections import audit_checkpoint
from projections.audit_chain import ALTERED, Hasher
from tests.integration.test_audit_verify import (
    KEY,
    chain,
    make_tickets,
    rechain_without_the_key,
    rewrite_ticket_event,
)
from tests.kafka_helpers import read_all, running, wait_for


@pytest.fixture()
def settings(database_url, tmp_path, kafka_bootstrap):
    return Settings(database_url=database_url, environment="test", db_pool_size=4,
                    audit_key=KEY, audit_grace_seconds=0, state_dir=tmp_path,
                    kafka_bootstrap=kafka_bootstrap, audit_checkpoint_seconds=0.2,
                    kafka_audit_topic=f"audit-{uuid.uuid4().hex[:10]}")


def checkpoint_file(settings) -> list[dict]:
    path = settings.state_dir / "audit-checkpoints.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def verify_cli(settings, checkpoint, capsys) -> tuple[int, dict, str]:
    """`liftrescue audit verify --checkpoint FILE` in this process: (exit code, JSON, stderr)."""
    code = 0
    try:
        cli_audit.run_verify(argparse.Namespace(checkpoint=str(checkpoint)), settings)
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_the_role_writes_signed_checkpoints_to_the_file_and_to_kafka(client, settings):
    make_tickets(client, 2)
    with running("audit-chain", client.app.state.services):
        written = wait_for(lambda: checkpoint_file(settings))
    assert [(c["application"], c["position"]) for c in written] == [("tickets", 4)]
    assert audit_checkpoint.signature_ok(KEY.encode(), written[0])
    heads = client.app.state.services.audit.heads()
    assert written[0]["head_hash"] == heads["tickets"][1]
    sent = [json.loads(r.value) for r in read_all(settings.kafka_bootstrap,
                                                  settings.kafka_audit_topic)]
    assert sent == written


def test_a_failing_sink_is_logged_and_the_other_still_gets_the_checkpoint(client, settings,
                                                                         tmp_path, caplog):
    from adapters.runtime.audit_checkpoints import CheckpointWriter

    make_tickets(client, 1)
    chain(client)
    (tmp_path / "not-a-folder").write_text("")
    broken = settings.model_copy(update={
        "audit_checkpoint_file": tmp_path / "not-a-folder" / "checkpoints.jsonl"})
    writer = CheckpointWriter(client.app.state.services.audit, broken)
    try:
        made = writer.write()
    finally:
        writer.close()
    failed = [r.msg for r in caplog.records if r.levelno == logging.ERROR
              and isinstance(r.msg, dict) and r.msg.get("event") == "audit_checkpoint_failed"]
    assert [(f["sink"], f["application"], f["position"]) for f in failed] == [
        ("file", "tickets", 2)]
    sent = [json.loads(r.value) for r in read_all(settings.kafka_bootstrap,
                                                  settings.kafka_audit_topic)]
    assert sent == made and len(made) == 1


def write_checkpoint(client, settings) -> object:
    from adapters.runtime.audit_checkpoints import CheckpointWriter

    chain(client)
    writer = CheckpointWriter(client.app.state.services.audit,
                              settings.model_copy(update={"kafka_bootstrap": None}))
    assert writer.write()
    return settings.state_dir / "audit-checkpoints.jsonl"


def test_checkpoint_catches_a_truncation_the_database_alone_cannot_see(client, settings,
                                                                       database_url, capsys):
    make_tickets(client, 3)
    path = write_checkpoint(client, settings)
    code, answer, _ = verify_cli(settings, path, capsys)
    assert code == 0 and answer["ok"] is True and answer["checkpoints_checked"] == 1
    with psycopg.connect(database_url) as conn:  # the last ticket, and its links, vanish
        conn.execute("DELETE FROM tickets_events WHERE notification_id > 4")
        conn.execute("DELETE FROM audit_chain WHERE notification_id > 4 "
                     "AND application = 'tickets'")
    assert client.get("/v1/audit/verify").json()["ok"] is True  # consistent, and wrong
    code, answer, err = verify_cli(settings, path, capsys)
    assert code == 1 and answer["ok"] is False and answer["checkpoints_checked"] == 1
    assert [(p["application"], p["notification_id"]) for p in answer["problems"]] == [
        ("tickets", 6)]
    assert answer["problems"][0]["problem"].startswith(audit_checkpoint.REWRITTEN)
    assert "tickets #6" in err


def test_checkpoint_catches_a_rewrite_with_the_chain_recomputed_without_the_key(
        client, settings, database_url, capsys):
    make_tickets(client, 2)
    path = write_checkpoint(client, settings)
    rewrite_ticket_event(database_url, 3)
    rechain_without_the_key(database_url, Hasher(b"the attacker's own key" * 2))
    code, answer, _ = verify_cli(settings, path, capsys)
    assert code == 1
    problems = [(p["notification_id"], p["problem"].split(" (")[0]) for p in answer["problems"]]
    assert (3, ALTERED) in problems and (4, audit_checkpoint.REWRITTEN) in problems


@pytest.mark.parametrize("field,value", [("head_hash", "0" * 64), ("position", 2)])
def test_a_tampered_checkpoint_file_is_refused(client, settings, capsys, field, value):
    make_tickets(client, 2)
    path = write_checkpoint(client, settings)
    forged = json.loads(path.read_text()) | {field: value}
    path.write_text(json.dumps(forged) + "\n")
    code, answer, err = verify_cli(settings, path, capsys)
    assert code == 1 and answer["checkpoints_checked"] == 0
    assert answer["problems"][0]["problem"].startswith(audit_checkpoint.BAD_SIGNATURE)
    assert "signature invalid" in err


def test_production_refuses_to_start_without_an_audit_key(database_url):
    from adapters.runtime.audit_key import audit_key

    with pytest.raises(SystemExit, match="LIFTRESCUE_AUDIT_KEY"):
        audit_key(Settings(database_url=database_url, environment="production"))
    from argparse import Namespace

    from adapters.cli.main import cmd_serve

    with pytest.raises(SystemExit, match="LIFTRESCUE_AUDIT_KEY"):  # `serve`, before any worker
        cmd_serve(Namespace(role="relay"),
                  Settings(database_url=database_url, environment="production"))
    assert audit_key(Settings(database_url=database_url, environment="production",
                              audit_key=KEY)) == KEY.encode()
    with pytest.raises(SystemExit, match="at least 32"):
        audit_key(Settings(environment="production", audit_key="short"))


def test_development_keeps_its_key_in_the_state_folder_0600(tmp_path):
    from adapters.runtime.audit_key import audit_key

    first = audit_key(Settings(environment="development", state_dir=tmp_path))
    again = audit_key(Settings(environment="development", state_dir=tmp_path))
    assert first == again and len(first) == 64
    assert (tmp_path / "audit-key").stat().st_mode & 0o777 == 0o600
