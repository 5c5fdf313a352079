"""Servers the bench drives, each in its own process: the API as production runs it
(`liftrescue serve api`) and the floor app (bench/floor_app.py)."""

import os
import subprocess
import sys
import threading
import time
import urllib.request

import psutil

from adapters.runtime.broker import free_port


class Server:
    """A child process serving HTTP on a free loopback port; its RSS sampled on demand."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.port = free_port()
        env = os.environ | env | {"LIFTRESCUE_PORT": str(self.port),
                                  "LIFTRESCUE_LOG_LEVEL": "WARNING"}
        self.proc = subprocess.Popen([sys.executable, "-m", *args], env=env,
                                     stdout=subprocess.DEVNULL)
        self.peak_rss = 0
        self._sampling = threading.Event()

    @classmethod
    def api(cls, database_url: str, workers: int) -> "Server":
        return cls(["adapters.cli", "serve", "api"],
                   {"LIFTRESCUE_DATABASE_URL": database_url,
                    "LIFTRESCUE_API_WORKERS": str(workers)})

    @classmethod
    def floor(cls, database_url: str) -> "Server":
        return cls(["bench.floor_app"], {"LIFTRESCUE_DATABASE_URL": database_url})

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def rss_bytes(self) -> int:
        parent = psutil.Process(self.proc.pid)
        return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])

    def sample_rss(self) -> None:
        def loop() -> None:
            while not self._sampling.wait(0.2):
                self.peak_rss = max(self.peak_rss, self.rss_bytes())
        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self._sampling.set()
        self.proc.terminate()
        self.proc.wait(timeout=30)
