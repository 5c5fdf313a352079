"""`/metrics` after real traffic: latency by route template, alarms, group commits, events, SMS
failures, the relay's lag and the intake's dead letters (real PostgreSQL, a real broker), and
the alert rules of docs/OPERATIONS.md name only metrics the endpoint exposes."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from adapters.sms.outbox import HttpGateway, SmsOutbox
from dispatch.policy import Recipient
from tests.kafka_helpers import running, send, ticket_key, wait_for
from tests.live import accepting_sms_gateway

OPERATIONS = Path(__file__).parents[2] / "docs" / "OPERATIONS.md"
ALARM_ROUTE = {"route": "/v1/alarms", "method": "POST", "status": "2xx"}


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample of one scrape, by (name, sorted labels)."""
    response = client.get("/metrics")
    assert response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def alarm(ref: str) -> dict:
    return {"lift": "44030000000000012345", "source": "iot", "source_ref": ref,
            "received_at": datetime.now(UTC).isoformat(), "trapped_count": 1}


@pytest.fixture()
def accepting_gateway():
    """A JSON SMS gateway on loopback that accepts everything (202)."""
    with accepting_sms_gateway() as url:
        yield url


def test_http_traffic_moves_latency_alarms_group_commits_events_and_sms(
        client, count_events, accepting_gateway):
    before = scrape(client)
    keyed = {"Idempotency-Key": "metrics-c"}
    answers = [client.post("/v1/alarms", json=alarm(ref)).status_code for ref in ("A", "B")]
    keyed_alarm = alarm("C")
    answers.append(client.post("/v1/alarms", json=keyed_alarm, headers=keyed).status_code)
    answers.append(client.post("/v1/alarms", json=alarm("A")).status_code)  # a repeat
    replay = client.post("/v1/alarms", json=keyed_alarm, headers=keyed)  # answered by middleware
    assert answers == [201, 201, 201, 200] and replay.headers["idempotent-replayed"] == "true"
    ticket_id = replay.json()["ticket_id"]
    assert client.get(f"/v1/tickets/{ticket_id}").status_code == 200
    assert client.get("/v1/no-such-thing/12345").status_code == 404

    services = client.app.state.services
    people = [Recipient("王", "13912345678")]
    refused = SmsOutbox(services.pool, HttpGateway("http://127.0.0.1:9/sms", attempts=1,
                                                   backoff=0))
    assert refused.send("t1:notify:1", "t1", people, "困人") is False
    accepted = SmsOutbox(services.pool, HttpGateway(accepting_gateway, attempts=1))
    assert accepted.send("t2:notify:1", "t2", people, "困人") is True
    assert accepted.send("t3:notify:1", "t3", people, "困人") is True
    services.sms.receipts.record("t3:notify:1", "13912345678", "failed", datetime.now(UTC))

    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("liftrescue_http_request_duration_seconds_count", **ALARM_ROUTE) == 5
    assert moved("liftrescue_http_request_duration_seconds_count", route="/v1/tickets/{ticket_id}",
                 method="GET", status="2xx") == 1
    assert moved("liftrescue_http_request_duration_seconds_count", route="unmatched",
                 method="GET", status="4xx") == 1
    routes = {dict(labels).get("route") for _, labels in after}
    assert not any(ticket_id in str(route) or "12345" in str(route) for route in routes)
    assert moved("liftrescue_alarms_received_total", via="http", outcome="created") == 3
    assert moved("liftrescue_alarms_received_total", via="http", outcome="duplicate") == 1
    assert moved("liftrescue_group_commit_batch_size_count") >= 3
    assert value(after, "liftrescue_events_appended_total", application="tickets") == \
        count_events("tickets_events") > 0
    assert value(after, "liftrescue_sms_failed_total") == 1
    assert value(after, "liftrescue_sms_awaiting_receipt") == 1  # t2; t3 has its receipt
    assert value(after, "liftrescue_sms_receipts_failed_total") == 1
    assert value(after, "liftrescue_metrics_database_ok") == 1
    assert ("liftrescue_view_lag", (("view", "tickets_view"),)) in after


def test_an_unreadable_database_is_a_gauge_not_a_failed_scrape(client, database_url):
    client.post("/v1/alarms", json=alarm("D"))
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE intake_dead_letters RENAME TO intake_dead_letters_gone")
    try:
        broken = scrape(client)
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("ALTER TABLE intake_dead_letters_gone RENAME TO intake_dead_letters")
    assert value(broken, "liftrescue_metrics_database_ok") == 0
    assert value(broken, "liftrescue_http_request_duration_seconds_count", **ALARM_ROUTE) >= 1
    assert value(scrape(client), "liftrescue_metrics_database_ok") == 1


def test_relay_lag_and_dead_letters_are_read_from_the_database(kservices, kafka_settings):
    from adapters.bootstrap import bootstrap
    from adapters.http.main import create_app

    with TestClient(create_app(lambda: bootstrap(kafka_settings))) as api:
        before = scrape(api)
        send(kafka_settings.kafka_bootstrap, kafka_settings.kafka_alarms_topic,
             [{"kind": "alarm", "source": "iot", "source_ref": "K-1",
               "lift": "44030000000000012345", "received_at": datetime.now(UTC).isoformat(),
               "trapped_count": 1}, b"\xff not json"], key=ticket_key)
        with running("intake", kservices):
            wait_for(lambda: value(scrape(api), "liftrescue_intake_dead_letters_total",
                                   category="malformed") == 1)
        waiting = scrape(api)
        newest = value(waiting, "liftrescue_events_appended_total", application="tickets")
        assert newest > 0
        assert value(waiting, "liftrescue_relay_lag", relay="ticket-events") == newest
        assert value(waiting, "liftrescue_intake_dead_letters_total", category="rejected") == 0
        assert value(waiting, "liftrescue_alarms_received_total", via="kafka",
                     outcome="created") - value(before, "liftrescue_alarms_received_total",
                                                via="kafka", outcome="created") == 1
        with running("relay", kservices):
            wait_for(lambda: value(scrape(api), "liftrescue_relay_position",
                                   relay="ticket-events") == newest)
        caught_up = scrape(api)
        assert value(caught_up, "liftrescue_relay_lag", relay="ticket-events") == 0


def alert_rules() -> dict:
    """The YAML block under "Alert rules" in docs/OPERATIONS.md."""
    text = OPERATIONS.read_text()
    section = text[text.index("## Alert rules"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "no yaml block in the Alert rules section"
    return yaml.safe_load(block.group(1))


def test_documented_alert_rules_are_valid_and_name_exposed_metrics(client):
    client.post("/v1/alarms", json=alarm("E"))  # labelled families have samples once used
    text = client.get("/metrics").text
    families = list(text_string_to_metric_families(text))
    exposed = {f.name for f in families} | {s.name for f in families for s in f.samples}
    rules = [rule for group in alert_rules()["groups"] for rule in group["rules"]]
    assert {"ViewStalled", "ViewFailing", "RelayLagging", "SmsFailing", "DeadLettersGrowing",
            "ApiLatencyHigh"} <= {rule["alert"] for rule in rules}
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "0s")), rule
        assert rule["labels"]["severity"] in {"page", "ticket"}
        named = set(re.findall(r"liftrescue_\w+", rule["expr"]))
        assert named and named <= exposed, (rule["alert"], named - exposed)


def test_api_workers_share_one_set_of_figures(tmp_path):
    """Two worker processes record; a third (the one a scrape reaches) reports their sum."""
    record = ("from adapters.metrics import GROUP_COMMIT_BATCH, alarm_received\n"
              "from types import SimpleNamespace\n"
              "GROUP_COMMIT_BATCH.observe(4)\n"
              "alarm_received('http', SimpleNamespace(created=True))\n")
    report = ("from prometheus_client import generate_latest\n"
              "from adapters.metrics import registry\n"
              "print(generate_latest(registry()).decode())\n")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", record], env=env, check=True)
    text = subprocess.run([sys.executable, "-c", report], env=env, check=True,
                          capture_output=True, text=True).stdout
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert value(samples, "liftrescue_group_commit_batch_size_count") == 2
    assert value(samples, "liftrescue_group_commit_batch_size_sum") == 8
    assert value(samples, "liftrescue_alarms_received_total", via="http", outcome="created") == 2
