"""HTTP load from `wrk` (Debian package): a C client, so the figures are the server's, and its
own CPU share is printed beside them (issue 18)."""

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import psutil

SCRIPT = Path(__file__).with_name("alarm.lua")


def available() -> bool:
    return shutil.which("wrk") is not None


def tree_cpu_seconds(pid: int) -> float:
    """CPU (user + system) of a process and its children so far."""
    parent = psutil.Process(pid)
    total = 0.0
    for p in [parent, *parent.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def alarms(port: int, seconds: float, connections: int = 16, token: str = "",
           server_pid: int | None = None, lift: str = "44030000000000012345") -> dict[str, Any]:
    """`connections` keep-alive connections posting new alarms for `seconds`. Returns the rate,
    p50/p99, errors, the client's CPU share of the machine and the server's CPU per alarm."""
    if not available():
        raise RuntimeError("wrk is not installed: apt-get install wrk (see README)")
    threads = min(2, os.cpu_count() or 1)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "10s", "-s", str(SCRIPT), f"http://127.0.0.1:{port}", "--",
               uuid.uuid4().hex[:8], token, lift]
    server_before = tree_cpu_seconds(server_pid) if server_pid else 0.0
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.stdout.read(), proc.stderr.read()  # wrk writes little: no pipe fills up
    # Reaped here for its rusage: the client's whole CPU (every thread), exact at its exit.
    _, status, rusage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    usage = rusage.ru_utime + rusage.ru_stime
    server_cpu = (tree_cpu_seconds(server_pid) - server_before) if server_pid else None
    line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {err.strip() or out[-300:]}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    wall = data["duration_us"] / 1e6
    requests = data["requests"]
    return {"name": "wrk", "ops": requests, "seconds": round(wall, 2),
            "per_second": round(requests / wall, 1) if wall else 0.0,
            "p50_ms": round(data["p50_us"] / 1000, 2), "p99_ms": round(data["p99_us"] / 1000, 2),
            "mean_ms": round(data["mean_us"] / 1000, 2), "errors": data["errors"],
            "client_cpu_share": round(usage / (wall * (os.cpu_count() or 1)), 3) if wall else None,
            "server_cpu_ms_per_op": round(server_cpu * 1000 / requests, 2)
            if server_cpu is not None and requests else None}
