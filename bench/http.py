"""Alarm intake and full lifecycles over HTTP, against raw psycopg inserts as the anchor."""

import http.client
import json
import uuid
from datetime import UTC, datetime, timedelta

import psycopg

from bench.load import Result, run_closed_loop

LIFT = "44030000000000012345"
RAW_TABLE = """CREATE TABLE IF NOT EXISTS bench_raw (
    id uuid PRIMARY KEY, stream uuid NOT NULL, version int NOT NULL, payload jsonb NOT NULL)"""
RAW_INSERT = "INSERT INTO bench_raw (id, stream, version, payload) VALUES (%s, %s, 1, %s)"


def raw_inserts(database_url: str, clients: int, seconds: float) -> Result:
    """The floor's ceiling: one autocommitted single-row insert per op, one connection each."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(RAW_TABLE)
    payload = json.dumps({"lift": LIFT, "source": "96333", "trapped_count": 1})

    def make(_: int):
        conn = psycopg.connect(database_url, autocommit=True)
        return lambda i: conn.execute(RAW_INSERT, (uuid.uuid4(), uuid.uuid4(), payload))

    return run_closed_loop("raw psycopg insert", clients, seconds, make)


class Api:
    """A keep-alive HTTP/1.1 connection per client thread (stdlib: least client overhead)."""

    def __init__(self, host: str, port: int, token: str | None = None):
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.headers = {"content-type": "application/json"}
        if token:
            self.headers["authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict) -> dict:
        self.conn.request("POST", path, json.dumps(body), self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{path} → {response.status}: {data[:200]!r}")
        return json.loads(data)


def alarm_intake(host: str, port: int, clients: int, seconds: float,
                 token: str | None = None) -> Result:
    run = uuid.uuid4().hex[:8]

    def make(c: int):
        api = Api(host, port, token)
        return lambda i: api.post("/v1/alarms", {"lift": LIFT, "source": "iot",
                                                  "source_ref": f"b-{run}-{c}-{i}"})

    return run_closed_loop("HTTP alarm intake", clients, seconds, make)


def lifecycles(host: str, port: int, clients: int, seconds: float,
               token: str | None = None) -> Result:
    """One op = a whole ticket: alarm, notify, assign, arrive, release, callback, close."""
    run = uuid.uuid4().hex[:8]
    t0 = datetime.now(UTC) - timedelta(hours=1)

    def at(minutes: int) -> str:
        return (t0 + timedelta(minutes=minutes)).isoformat()

    def make(c: int):
        api = Api(host, port, token)

        def ticket(i: int) -> None:
            tid = api.post("/v1/alarms", {"lift": LIFT, "source": "app",
                                          "source_ref": f"l-{run}-{c}-{i}",
                                          "received_at": at(0)})["ticket_id"]
            api.post(f"/v1/tickets/{tid}/notify", {"at": at(1)})
            api.post(f"/v1/tickets/{tid}/assign",
                     {"responder": {"name": "w", "mobile": "13912345678"}, "at": at(2)})
            api.post(f"/v1/tickets/{tid}/arrive", {"at": at(12)})
            api.post(f"/v1/tickets/{tid}/release",
                     {"released_count": 1, "released_by": "rescuer", "at": at(20)})
            api.post(f"/v1/tickets/{tid}/callback", {"confirmed_by": "trapped_person",
                                                     "at": at(25)})
            api.post(f"/v1/tickets/{tid}/close", {"at": at(30)})

        return ticket

    return run_closed_loop("HTTP ticket lifecycle (7 commands)", clients, seconds, make)
