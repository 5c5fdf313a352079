"""`liftrescue serve dispatcher` (production) refuses to start on a gateway that tells nobody."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli import main as cli
from adapters.runtime.logging import configure_logging

ROOT = Path(__file__).resolve().parents[2]
# Never reached: the refusal comes before any connection.
NOWHERE = "postgresql://nobody@127.0.0.1:1/none"


@pytest.fixture()
def production_env(monkeypatch):
    for name in ("GATEWAY", "HTTP_URL", "DRILL"):
        monkeypatch.delenv(f"LIFTRESCUE_SMS_{name}", raising=False)
    monkeypatch.delenv("LIFTRESCUE_ENVIRONMENT", raising=False)  # `serve` means production
    monkeypatch.setenv("LIFTRESCUE_DATABASE_URL", NOWHERE)
    monkeypatch.setenv("LIFTRESCUE_LOG_LEVEL", "ERROR")
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # main() must not rewire pytest
    yield monkeypatch
    configure_logging("WARNING", "console")  # as tests/conftest.py set it


def test_serve_dispatcher_without_a_gateway_exits_non_zero_with_the_reason():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIFTRESCUE_")}
    env |= {"LIFTRESCUE_DATABASE_URL": NOWHERE, "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    result = subprocess.run([sys.executable, "-m", "adapters.cli", "serve", "dispatcher"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode != 0
    assert "no SMS gateway configured" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("extra", "message"), [
    ({"LIFTRESCUE_SMS_GATEWAY": "log"}, "LIFTRESCUE_SMS_DRILL=true"),
    ({"LIFTRESCUE_SMS_GATEWAY": "http"}, "needs LIFTRESCUE_SMS_HTTP_URL"),
    ({"LIFTRESCUE_SMS_GATEWAY": ""}, "no SMS gateway configured"),
])
def test_serve_dispatcher_refuses_log_without_a_drill_and_http_without_a_url(
        production_env, extra, message):
    for name, value in extra.items():
        production_env.setenv(name, value)
    with pytest.raises(SystemExit) as refused:
        cli.main(["serve", "dispatcher"])
    assert message in str(refused.value)
