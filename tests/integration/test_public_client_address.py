"""[16-qa] The public rate limit counts the connection's address: X-Forwarded-For is believed only
from a configured trusted proxy (uvicorn alone believes anyone connecting from 127.0.0.1)."""

import socket
import threading
import time
from types import SimpleNamespace

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from adapters.cli import main as cli
from adapters.http.public.rate_limit import TokenBuckets, limit
from adapters.runtime.settings import Settings

SERVER = uvicorn.Server  # the real one: served_config replaces the module's for `dev`


def served_config(monkeypatch, **overrides) -> uvicorn.Config:
    """The uvicorn config `liftrescue dev` builds (the server itself is not run)."""
    seen = {}
    monkeypatch.setattr(cli.uvicorn, "Server", lambda config: SimpleNamespace(
        run=lambda sockets: seen.setdefault("config", config)))
    settings = Settings(environment="test").model_copy(update=overrides)
    cli._serve_api(SimpleNamespace(settings=settings), sock=None)
    return seen["config"]


def answers_to_spoofed_clients(config: uvicorn.Config) -> list[int]:
    """Three requests from 127.0.0.1, each claiming another client, to a 2-a-minute budget."""
    app, buckets = FastAPI(), TokenBuckets(per_minute=2)

    @app.get("/p/units")
    def units(request: Request) -> dict:
        limit(buckets, request)
        return {}

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SERVER(uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None,
        proxy_headers=config.proxy_headers, forwarded_allow_ips=config.forwarded_allow_ips))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        return [httpx.get(f"http://127.0.0.1:{port}/p/units",
                          headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                for n in range(3)]
    finally:
        server.should_exit = True
        thread.join(10)


def test_spoofed_forwarded_for_does_not_reset_the_budget(monkeypatch):
    assert answers_to_spoofed_clients(served_config(monkeypatch)) == [200, 200, 429]


@pytest.mark.parametrize("proxies", ["127.0.0.1", " 127.0.0.1 , 10.0.0.2"])
def test_a_configured_proxy_is_believed(monkeypatch, proxies):
    config = served_config(monkeypatch, trusted_proxies=proxies)
    assert answers_to_spoofed_clients(config) == [200, 200, 200]
