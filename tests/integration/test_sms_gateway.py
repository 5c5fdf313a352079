"""The http SMS gateway against a real local HTTP server: retries with backoff, then records."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from adapters.sms.outbox import HttpGateway, SmsOutbox
from dispatch.policy import Recipient


@pytest.fixture()
def gateway_server():
    """A JSON gateway that fails the first `fail` requests with 503, then accepts."""
    state = {"fail": 0, "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            state["requests"].append((self.headers["idempotency-key"], body))
            status = 503 if len(state["requests"]) <= state["fail"] else 202
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", state
    server.shutdown()


def test_retries_then_accepts_and_never_resends_an_accepted_key(services, gateway_server):
    url, state = gateway_server
    state["fail"] = 2
    outbox = SmsOutbox(services.pool, HttpGateway(url, attempts=3, backoff=0.01))
    people = [Recipient("王", "13912345678")]
    assert outbox.send("t1:notify:1", "t1", people, "困人") is True
    assert len(state["requests"]) == 3
    assert state["requests"][-1] == ("t1:notify:1", {"key": "t1:notify:1",
                                                    "to": ["13912345678"], "text": "困人"})
    assert outbox.send("t1:notify:1", "t1", people, "困人") is True
    assert len(state["requests"]) == 3  # accepted before: not sent again
    row = outbox.for_ticket("t1")[0]
    assert (row["status"], row["attempts"], row["recipients"][0]["mobile"]) == (
        "accepted", 3, "139****5678")


def test_gives_up_after_the_attempts_and_records_the_failure(services, gateway_server):
    url, state = gateway_server
    state["fail"] = 99
    outbox = SmsOutbox(services.pool, HttpGateway(url, attempts=3, backoff=0.01))
    assert outbox.send("t2:notify:1", "t2", [Recipient("王", "13912345678")], "x") is False
    row = outbox.for_ticket("t2")[0]
    assert row["status"] == "failed" and row["attempts"] == 3 and "503" in row["error"]
    assert row["recipients"][0]["delivery"] == "failed"
    # Tried once: a dispatcher round that reads the not-yet-moved deadline row again escalates
    # (send says False) without texting the same people a second time.
    state["fail"] = 0
    assert outbox.send("t2:notify:1", "t2", [Recipient("王", "13912345678")], "x") is False
    assert len(state["requests"]) == 3
