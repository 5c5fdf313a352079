"""An open console board stream ends soon after its token is revoked or its session closed."""

import time

import httpx
import pytest

from adapters.http.console import board
from adapters.http.console.session import COOKIE
from tests.live import serving

GIVE_UP_SECONDS = 10.0  # generous bound: the stream must end well before this


@pytest.fixture()
def server(settings):
    """The real app on a loopback port (TestClient buffers a streaming body until it ends)."""
    from adapters.bootstrap import bootstrap
    from adapters.http.main import create_app

    app = create_app(lambda: bootstrap(settings))
    with serving(app) as base:
        yield base, app.state.services


def test_server_rechecks_the_session_every_few_seconds():
    assert board.RECHECK_SECONDS + board.POLL_SECONDS <= 5


@pytest.mark.parametrize("how", ["revoke token", "close session"])
def test_open_board_stream_ends_after_revocation(server, how):
    base, services = server
    token, principal = services.tokens.create(role="operator", name="sse")
    session = services.sessions.open(token)
    lines, ended_at, revoked_at = [], None, None
    with httpx.Client(timeout=GIVE_UP_SECONDS) as http, http.stream(
            "GET", f"{base}/console/board/stream", headers={"Cookie": f"{COOKIE}={session}"},
            follow_redirects=False) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            lines.append(line)
            if revoked_at is None and line.startswith("retry:"):  # the stream is open
                if how == "revoke token":
                    services.tokens.revoke(principal.token_id)  # what `tokens revoke` does
                else:
                    services.sessions.close(session)  # what logout does
                revoked_at = time.monotonic()
            if revoked_at is not None and time.monotonic() - revoked_at > GIVE_UP_SECONDS:
                break  # still streaming: the assertion below fails
        else:
            ended_at = time.monotonic()
    assert revoked_at is not None, lines
    assert ended_at is not None, f"stream still open {GIVE_UP_SECONDS}s after {how}: {lines}"
    assert "event: logout" in lines
    again = httpx.get(f"{base}/console/board/stream", headers={"Cookie": f"{COOKIE}={session}"},
                      follow_redirects=False, timeout=GIVE_UP_SECONDS)
    assert again.status_code == 303  # and a reconnect is sent to the login page
