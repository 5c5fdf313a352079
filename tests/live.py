"""What tests run beside the code under test: roles in threads, the app on a loopback port,
an SMS gateway that accepts everything, and polling until a condition holds."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from adapters.runtime import roles as workers
from adapters.runtime.broker import free_port


@contextmanager
def running(role: str, services: Any) -> Iterator[threading.Event]:
    """Run a worker role in a thread for the duration of the block."""
    stop = threading.Event()
    thread = threading.Thread(target=workers.ROLES[role], args=(services, stop), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=30)


@contextmanager
def dispatcher_running(services: Any) -> Iterator[Any]:
    """Views and the dispatcher running on `services` for the duration of the block."""
    with running("projections", services), running("dispatcher", services):
        yield services


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port (its base URL) for the block."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_config=None,
                            access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "live server did not start"
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class _Accepting(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def accepting_sms_gateway() -> Iterator[str]:
    """A JSON SMS gateway on loopback that accepts everything (202); its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Accepting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    finally:
        server.shutdown()


def wait_for(condition: Callable[[], Any], seconds: float = 60, every: float = 0.2) -> Any:
    """Poll until `condition()` is truthy; fail with a clear message after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {seconds} s: {condition}")
