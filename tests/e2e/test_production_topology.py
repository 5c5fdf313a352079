"""Production topology: every `liftrescue serve ROLE` in its own process, on Debian's PostgreSQL
(not the embedded one) and a Kafka-protocol broker, with the http SMS gateway. Alarms over HTTP
and over Kafka are routed by the dispatcher, shown by the views and relayed to the events topic.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import psycopg
import pytest

from adapters.runtime.broker import free_port
from adapters.runtime.roles import ROLES as WORKER_ROLES
from domain.values import ticket_id_for
from tests.debian_postgres import DebianPostgres, debian_postgres
from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.kafka_helpers import read_all, send, ticket_key, wait_for

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["api", *WORKER_ROLES]


class SmsGateway(ThreadingHTTPServer):
    """A stand-in JSON SMS gateway: records every POST body and answers 200."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        super().__init__(("127.0.0.1", 0), _GatewayHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms"


class _GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.server.received.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"accepted": true}')

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def production_postgres() -> Iterator[DebianPostgres]:
    with debian_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def sms_gateway() -> Iterator[SmsGateway]:
    gateway = SmsGateway()
    thread = threading.Thread(target=gateway.serve_forever, daemon=True)
    thread.start()
    yield gateway
    gateway.shutdown()
    gateway.server_close()


def production_env(server: DebianPostgres, bootstrap: str, gateway: SmsGateway,
                   port: int, state: Path) -> dict[str, str]:
    """What an operator sets for every role; nothing LIFTRESCUE_* leaks in from the test run."""
    tag = uuid.uuid4().hex[:10]
    return {k: v for k, v in os.environ.items() if not k.startswith("LIFTRESCUE_")} | {
        "LIFTRESCUE_ENVIRONMENT": "production",
        "LIFTRESCUE_DATABASE_URL": server.url,
        "LIFTRESCUE_KAFKA_BOOTSTRAP": bootstrap,
        "LIFTRESCUE_KAFKA_EVENTS_TOPIC": f"events-{tag}",
        "LIFTRESCUE_KAFKA_ALARMS_TOPIC": f"alarms-{tag}",
        "LIFTRESCUE_KAFKA_DLQ_TOPIC": f"alarms-{tag}.dlq",
        "LIFTRESCUE_KAFKA_INTAKE_GROUP": f"intake-{tag}",
        "LIFTRESCUE_SMS_GATEWAY": "http",
        "LIFTRESCUE_SMS_HTTP_URL": gateway.url,
        "LIFTRESCUE_AUDIT_KEY": secrets.token_hex(32),
        "LIFTRESCUE_PII_KEY": secrets.token_hex(32),
        "LIFTRESCUE_HOST": "127.0.0.1",
        "LIFTRESCUE_PORT": str(port),
        "LIFTRESCUE_STATE_DIR": str(state),  # must stay empty: nothing embedded in production
        "LIFTRESCUE_DB_POOL_SIZE": "4",
        "LIFTRESCUE_DISPATCHER_POLL_SECONDS": "0.2",
        "LIFTRESCUE_LOG_FORMAT": "json",
    }


def start_roles(env: dict[str, str], logs: Path) -> dict[str, subprocess.Popen]:
    """Every role at once against the fresh database: none may race another into an error."""
    logs.mkdir()
    return {role: subprocess.Popen([sys.executable, "-m", "adapters.cli", "serve", role],
                                   cwd=ROOT, env=env, stdout=(logs / f"{role}.log").open("w"),
                                   stderr=subprocess.STDOUT)
            for role in ROLES}


def log_tail(logs: Path, role: str) -> str:
    return (logs / f"{role}.log").read_text()[-3000:]


def wait_ready(base: str, procs: dict[str, subprocess.Popen], logs: Path) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for role, proc in procs.items():
            assert proc.poll() is None, f"serve {role} exited:\n{log_tail(logs, role)}"
        try:
            response = httpx.get(f"{base}/readyz", timeout=2)
            if response.status_code == 200:
                return response.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"serve api not ready:\n{log_tail(logs, 'api')}")


def admin_token(env: dict[str, str]) -> str:
    created = subprocess.run([sys.executable, "-m", "adapters.cli", "tokens", "create",
                              "--role", "admin", "--name", "topology"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60, check=True)
    return created.stdout.strip().splitlines()[-1]


def stop_roles(procs: dict[str, subprocess.Popen]) -> dict[str, int]:
    """SIGTERM every role (as systemd or compose would) and collect the exit codes."""
    for proc in procs.values():
        proc.send_signal(signal.SIGTERM)
    codes = {}
    for role, proc in procs.items():
        try:
            codes[role] = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            codes[role] = proc.wait()
    return codes


def station_notified(api: httpx.Client, ticket_id: str) -> dict | None:
    response = api.get(f"/v1/tickets/{ticket_id}/events")
    if response.status_code != 200:
        return None  # the intake has not stored the Kafka alarm yet
    return next((e for e in response.json() if e["type"] == "StationNotified"), None)


# Bounds, not speed targets: a loaded machine joins the intake's consumer group slowly.
def test_each_role_in_its_own_process_routes_views_and_relays(
        production_postgres, kafka_bootstrap, sms_gateway, tmp_path):
    port, state, logs = free_port(), tmp_path / "state", tmp_path / "logs"
    env = production_env(production_postgres, kafka_bootstrap, sms_gateway, port, state)
    base = f"http://127.0.0.1:{port}"
    procs = start_roles(env, logs)
    try:
        ready = wait_ready(base, procs, logs)
        assert ready["ready"] is True, ready
        assert (ready["checks"]["db"], ready["checks"]["broker"]) == ("ok", "ok")
        api = httpx.Client(base_url=base, timeout=10,
                           headers={"Authorization": f"Bearer {admin_token(env)}"})
        # The registry, over HTTP: a lift bound to a station; wait until the projections
        # process has the binding in the registry view.
        unit = make_unit(api)
        station = make_station(api, unit, workers=1)
        lift = make_lift(api, unit, 1)
        bound = api.post(f"/v1/stations/{station}/bind", json={"registration_codes": [lift]})
        assert bound.status_code == 200, bound.text
        after = {"after": bound.json()["notification_id"]}
        wait_for(lambda: api.get("/v1/lifts", params=after).headers.get("X-View-Caught-Up")
                 == "true", seconds=90)
        # One alarm over HTTP, one over Kafka (the intake process), both for the bound lift and
        # from one source (another source's alarm would join the open ticket: linked alarms).
        tag = uuid.uuid4().hex[:8]
        by_http = api.post("/v1/alarms", json={"lift": lift, "source": "96333",
                                               "source_ref": f"http-{tag}", "trapped_count": 2})
        assert by_http.status_code == 201, by_http.text
        alarm = {"kind": "alarm", "source": "96333", "source_ref": f"kafka-{tag}", "lift": lift,
                 "received_at": datetime.now(UTC).isoformat(), "trapped_count": 1}
        send(kafka_bootstrap, env["LIFTRESCUE_KAFKA_ALARMS_TOPIC"], [alarm], key=ticket_key)
        tickets = {by_http.json()["ticket_id"], str(ticket_id_for("96333", f"kafka-{tag}"))}

        # Routing: the dispatcher process notified the bound station, through the http gateway.
        for ticket_id in tickets:
            notified = wait_for(lambda t=ticket_id: station_notified(api, t), seconds=90)
            assert notified["data"]["station"]["id"] == station
            assert notified["data"]["level"] == 1 and notified["actor"] == "system:dispatcher"
            outbox = api.get("/v1/notifications", params={"ticket_id": ticket_id}).json()
            # The station alert, then the one worker's own rescuer link (issue 17).
            sent = sorted((":link:" in m["key"], m["gateway"], m["status"])
                          for m in outbox["items"])
            assert sent == [(False, "http", "accepted"), (True, "http", "accepted")]
        with psycopg.connect(production_postgres.url) as conn:
            rows = conn.execute("SELECT ticket_id, gateway, status FROM sms_outbox").fetchall()
        assert sorted(rows) == sorted((t, "http", "accepted") for t in tickets for _ in "ab")
        assert {t for t in tickets if any(m["key"].startswith(t) for m in sms_gateway.received)} \
            == tickets

        # Views: the projections process filled tickets_view; the API lists from it.
        def viewed() -> set[str]:
            items = api.get("/v1/dynamics", params={"limit": 50}).json()["items"]
            return {i["ticket_id"] for i in items if i["notified_at"]} & tickets

        assert wait_for(lambda: viewed() == tickets, seconds=90)
        with psycopg.connect(production_postgres.url) as conn:
            view = conn.execute("SELECT ticket_id, station_id FROM tickets_view").fetchall()
        assert sorted(view) == sorted((t, station) for t in tickets)

        # Relay: the relay process put every ticket's events on the events topic, keyed by id.
        def relayed() -> dict[str, list[str]]:
            by_key: dict[str, list[str]] = {}
            for record in read_all(kafka_bootstrap, env["LIFTRESCUE_KAFKA_EVENTS_TOPIC"]):
                by_key.setdefault(record.key.decode(), []).append(
                    json.loads(record.value)["type"])
            done = all("StationNotified" in by_key.get(t, []) for t in tickets)
            return by_key if done else {}

        by_key = wait_for(relayed, seconds=90)
        assert set(by_key) == tickets
        assert all(types[0] == "AlarmReceived" for types in by_key.values())

        assert httpx.get(f"{base}/readyz", timeout=5).json()["ready"] is True
        assert "Debian" in production_postgres.server_version()
        assert not (state / "pgdata").exists()  # no embedded PostgreSQL anywhere
    finally:
        codes = stop_roles(procs)
    # Every role stops cleanly on SIGTERM and logged no error (no start-up race, no crash).
    assert codes == dict.fromkeys(ROLES, 0), {r: log_tail(logs, r) for r in ROLES if codes[r]}
    for role in ROLES:
        text = (logs / f"{role}.log").read_text()
        assert '"level": "error"' not in text and "Traceback" not in text, (role, text[-3000:])
