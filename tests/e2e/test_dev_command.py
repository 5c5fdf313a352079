"""The README's first command: `liftrescue dev` serves the API; the curl walk-through drives a ticket."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.runtime.broker import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_healthy(base: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"liftrescue dev exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("liftrescue dev did not become ready")


@pytest.fixture()
def dev_server(tmp_path):
    port = free_port()
    env = os.environ | {"LIFTRESCUE_STATE_DIR": str(tmp_path / "state"),
                        "LIFTRESCUE_PORT": str(port)}
    env.pop("LIFTRESCUE_DATABASE_URL", None)
    env.pop("XDG_RUNTIME_DIR", None)  # as in containers and CI: platformdirs must not warn
    log = (tmp_path / "dev.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "adapters.cli", "dev"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base, tmp_path / "dev.log", (tmp_path / "state" / "admin-token").read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_dev_serves_the_api_and_the_walkthrough_closes_a_ticket(dev_server):
    base, log_path, token = dev_server
    anonymous = subprocess.run(["bash", str(ROOT / "scripts" / "walkthrough.sh"), base],
                               capture_output=True, text=True, timeout=60,
                               env=os.environ | {"LIFTRESCUE_TOKEN": ""})
    assert anonymous.returncode != 0  # no anonymous access by default
    # ...and the script says why in words: the status and the problem, not a traceback.
    assert "POST /v1/alarms → HTTP 401" in anonymous.stderr and "no bearer token" in anonymous.stderr
    assert "Traceback" not in anonymous.stderr + anonymous.stdout
    result = subprocess.run(["bash", str(ROOT / "scripts" / "walkthrough.sh"), base],
                            capture_output=True, text=True, timeout=60,
                            env=os.environ | {"LIFTRESCUE_TOKEN": token})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for event in ("AlarmReceived", "StationNotified", "ResponderAssigned", "ArrivedOnSite",
                  "PassengersReleased", "CallbackConfirmed", "Closed"):
        assert event in out
    assert '"status":"closed"' in out
    events = [line for line in out.splitlines() if line.startswith("  v")]
    assert len(events) == 7 and all(line.count("+08:00") == 2 for line in events)  # city time
    logs = log_path.read_text()
    assert f"admin token: {token}" in logs and '"actor":"admin:dev"' not in out
    assert "embedded_postgres_ready" in logs and '"path": "/v1/alarms"' in logs
    assert "13912345678" not in logs  # the responder's phone never reaches the log


def test_dev_banner_says_where_the_console_is_and_how_to_log_in(dev_server):
    base, log_path, token = dev_server
    logs = log_path.read_text()
    console = f"console: {base}/console — log in with the admin token above"
    assert logs.index(f"admin token: {token}") < logs.index(console)  # "above" is true
    assert "liftrescue users create" in logs and "demo-tokens" not in logs  # no --demo here
    assert "RuntimeDirWarning" not in logs and "XDG_RUNTIME_DIR" not in logs
    for entry in ("/console", "/console/"):  # where the banner points: the login, not a 404
        with urllib.request.urlopen(base + entry, timeout=5) as response:
            assert response.status == 200 and response.url.endswith("/console/login")


def test_stopping_dev_stops_its_embedded_postgres(tmp_path):
    import psutil

    port = free_port()
    state = tmp_path / "state"
    env = os.environ | {"LIFTRESCUE_STATE_DIR": str(state), "LIFTRESCUE_PORT": str(port)}
    env.pop("LIFTRESCUE_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "adapters.cli", "dev"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_healthy(f"http://127.0.0.1:{port}", proc)

    def servers() -> list:
        return [p for p in psutil.process_iter(["name", "cmdline"])
                if p.info["name"] == "postgres" and str(state) in " ".join(p.info["cmdline"] or [])]

    assert servers()
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while servers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not servers()


# The 30 days of history and the 8 live tickets; statistics leave out the 7 cancelled ones.
EXPECTED_TICKETS = 60 + 8 - 7


def test_dev_demo_seeds_once_and_writes_demo_tokens(tmp_path):
    port = free_port()
    state = tmp_path / "state"
    env = os.environ | {"LIFTRESCUE_STATE_DIR": str(state), "LIFTRESCUE_PORT": str(port)}
    env.pop("LIFTRESCUE_DATABASE_URL", None)
    env.pop("XDG_RUNTIME_DIR", None)
    base = f"http://127.0.0.1:{port}"
    outputs = []
    for _ in range(2):  # the second start finds the demo already there
        log = tmp_path / f"dev-{len(outputs)}.log"
        with log.open("w") as out:
            proc = subprocess.Popen([sys.executable, "-m", "adapters.cli", "dev", "--demo"],
                                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                wait_healthy(base, proc)
                tokens = dict(line.split(": ", 1) for line in
                              (state / "demo-tokens").read_text().splitlines())
                since = (datetime.now(UTC) - timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%SZ")
                request = urllib.request.Request(
                    f"{base}/v1/stats/tickets?group_by=hour&from={since}",
                    headers={"Authorization": f"Bearer {tokens['operator']}"})
                deadline = time.monotonic() + 30  # the projection worker catches up
                while True:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        body = sum(row["tickets"] for row in json.load(response)["items"])
                    if body >= EXPECTED_TICKETS or time.monotonic() > deadline:
                        break
                    time.sleep(0.3)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        outputs.append((log.read_text(), body))
    (first, dynamics), (second, again) = outputs
    assert "demo data seeded" in first and "demo data already present" in second
    assert dynamics == EXPECTED_TICKETS and again == EXPECTED_TICKETS  # seeded once
    assert f"demo operator, unit and auditor tokens in {state / 'demo-tokens'}" in first
    assert "RuntimeDirWarning" not in first + second
    assert tokens["auditor"] not in first  # tokens go to the 0600 file, not the log
    assert oct((state / "demo-tokens").stat().st_mode & 0o777) == "0o600"


def dev_env(state: Path, port: int) -> dict[str, str]:
    env = os.environ | {"LIFTRESCUE_STATE_DIR": str(state), "LIFTRESCUE_PORT": str(port)}
    env.pop("LIFTRESCUE_DATABASE_URL", None)
    return env


def test_second_dev_on_the_same_state_folder_refuses_naming_the_first(tmp_path):
    import psutil

    state, port = tmp_path / "state", free_port()
    first_log = (tmp_path / "first.log").open("w")
    first = subprocess.Popen([sys.executable, "-m", "adapters.cli", "dev"], cwd=ROOT,
                             env=dev_env(state, port), stdout=first_log, stderr=subprocess.STDOUT)

    def postmasters() -> list:
        return [p.pid for p in psutil.process_iter(["name", "cmdline"])
                if p.info["name"] == "postgres" and "-D" in (p.info["cmdline"] or [])
                and str(state) in " ".join(p.info["cmdline"])]

    try:
        try:
            wait_healthy(f"http://127.0.0.1:{port}", first)
        except AssertionError:
            raise AssertionError((tmp_path / "first.log").read_text()[-3000:]) from None
        before = postmasters()
        second = subprocess.run([sys.executable, "-m", "adapters.cli", "dev"], cwd=ROOT,
                                env=dev_env(state, free_port()), capture_output=True,
                                text=True, timeout=30, check=False)
        out = second.stdout + second.stderr
        assert second.returncode != 0
        assert "already running" in out and f"(pid {first.pid}, port {port})" in out
        # Nothing was started: no PostgreSQL, no broker, no banner.
        assert "embedded_postgres_ready" not in out and "embedded_broker_ready" not in out
        assert "LiftRescue dev:" not in out
        assert postmasters() == before and len(before) == 1
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            assert response.status == 200  # the first one is untouched
    finally:
        first.terminate()
        first.wait(timeout=30)
        first_log.close()


def test_dev_on_a_busy_port_says_so_before_starting_anything(tmp_path):
    import socket

    state = tmp_path / "state"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "adapters.cli", "dev"], cwd=ROOT,
                                env=dev_env(state, port), capture_output=True, text=True,
                                timeout=30, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in out and "in use" in out
    assert "LiftRescue dev:" not in out and "embedded_postgres_ready" not in out
    assert not (state / "pgdata").exists()  # no PostgreSQL was initialised


def test_a_killed_dev_leaves_no_stale_lock(tmp_path):
    from adapters.runtime.devlock import hold_dev_lock

    state = tmp_path / "state"
    script = ("import time; from pathlib import Path; "
              "from adapters.runtime.devlock import hold_dev_lock; "
              f"lock = hold_dev_lock(Path({str(state)!r}), 8123); print('held', flush=True); "
              "time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SystemExit, match=f"pid {holder.pid}, port 8123"):
            hold_dev_lock(state, 9000)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    lock = hold_dev_lock(state, 9000)  # the kernel released the dead holder's lock
    try:
        assert (state / "dev.lock").read_text() == f"pid={os.getpid()}\nport=9000\n"
    finally:
        lock.close()
