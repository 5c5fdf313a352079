"""The optional HTTP push: signed JSON records; a refusing receiver holds the position (retried
with backoff, nothing skipped); once it accepts, every record arrives."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import SecretStr

from adapters.bootstrap import bootstrap, build_upstream
from adapters.kafka.relay import RelayPosition
from adapters.kafka.upstream_push import UpstreamPush
from adapters.kafka.upstream_relay import run_both
from tests.e2e.upstream_helpers import CTX, city_registry, rescue
from tests.kafka_helpers import wait_for

SECRET = "push-secret"
UNIT_CODE = "914403001922038216"  # a valid 统一社会信用代码
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.refusing = threading.Event()
        self.refused, self.forged = 0, 0
        self.records: dict[str, dict] = {}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server: Receiver = self.server  # type: ignore[assignment]
        body = self.rfile.read(int(self.headers["content-length"]))
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, self.headers["X-LiftRescue-Signature"]):
            server.forged += 1
            self.send_response(401)
        elif server.refusing.is_set():
            server.refused += 1
            self.send_response(503)
        else:
            server.records[self.headers["X-Record-Key"]] = json.loads(body)
            self.send_response(202)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def receiver():
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_refused_pushes_hold_the_position_then_every_record_arrives(kafka_settings, receiver):
    settings = kafka_settings.model_copy(update={
        "upstream_http_url": f"http://127.0.0.1:{receiver.server_address[1]}/records",
        "upstream_http_secret": SecretStr(SECRET)})
    services = bootstrap(settings)
    stop = threading.Event()
    try:
        codes = city_registry(services, 4403, 2)[1]
        services.registry.set_rescue_info(services.registry.lift(codes[0]).unit_id, None, CTX,
                                          facts={"code": UNIT_CODE})
        rescue(services, codes[0], "P-1", T0, 12, 0)
        rescue(services, codes[1], "P-2", T0, 45, 1, correct=True)
        receiver.refusing.set()
        pushes = [p for p in build_upstream(services) if isinstance(p, UpstreamPush)]
        thread = threading.Thread(target=run_both, args=(pushes, stop), daemon=True)
        thread.start()
        wait_for(lambda: all(p.failures >= 2 for p in pushes), seconds=30)
        held = [RelayPosition(services.pool, p.position.name).load() for p in pushes]
        receiver.refusing.clear()
        tickets = {f"440300:ticket:{n}:{v}" for n, v in ticket_numbers(services)}
        wait_for(lambda: tickets <= set(receiver.records), seconds=60)
        wait_for(lambda: {k.rsplit(":", 2)[1] for k in receiver.records if ":lift:" in k}
                 == set(codes), seconds=60)
    finally:
        stop.set()
        services.close()
    assert held == [0, 0]  # refused: nothing tracked, nothing skipped
    assert len(tickets) == 3 and receiver.forged == 0
    closed = next(r for k, r in receiver.records.items() if ":ticket:" in k and k.endswith(":2"))
    assert (closed["record_version"], closed["overtime"]) == (2, "late")
    assert closed["maintenance_unit_code"] == UNIT_CODE  # from the registry, not the snapshot
    assert "13912345678" not in json.dumps(list(receiver.records.values()))


def ticket_numbers(services) -> list[tuple[str, int]]:
    """(ticket number, version) of every record the two rescues call for."""
    with services.pool.connection() as conn:
        numbers = [r[0] for r in conn.execute(
            "SELECT ticket_no FROM tickets_view ORDER BY ticket_no").fetchall()]
    if not numbers:  # no projections running here: read the store
        numbers = sorted(services.tickets.repository.get(n.originator_id).ticket_no
                         for n in services.tickets.recorder.select_notifications(
                             start=1, limit=1000) if n.originator_version == 1)
    return [(numbers[0], 1), (numbers[1], 1), (numbers[1], 2)]
