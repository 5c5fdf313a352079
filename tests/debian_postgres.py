"""A throwaway server from Debian's `postgresql` package (not the embedded one), for topology tests.

The server runs as the `postgres` system user when the tests run as root (PostgreSQL refuses
root), listens on 127.0.0.1 and a socket directory of its own, and is removed when stopped.
LiftRescue connects as a non-superuser over TCP with a password, as a production role would.
"""

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from adapters.runtime.broker import free_port

SYSTEM_USER = "postgres"


def debian_bin() -> Path:
    """The newest /usr/lib/postgresql/N/bin (.ci/run installs the package when it is missing)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not found:
        raise RuntimeError("Debian's PostgreSQL is not installed: apt-get install -y postgresql")
    return found[-1].parent


class DebianPostgres:
    """initdb + pg_ctl in a temporary directory; `url` is a password login to `liftrescue`."""

    def __init__(self) -> None:
        self.bin = debian_bin()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="liftrescue-debian-pg-"))
        self.data, self.sockets = self.root / "data", self.root / "sockets"
        self.password = secrets.token_urlsafe(12)
        self.as_user = ["runuser", "-u", SYSTEM_USER, "--"] if os.geteuid() == 0 else []
        self.url = (f"postgresql://liftrescue:{self.password}@127.0.0.1:{self.port}/liftrescue")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True,
                       capture_output=True, text=True, timeout=60)

    def start(self) -> "DebianPostgres":
        self.sockets.mkdir()
        if self.as_user:
            owner = pwd.getpwnam(SYSTEM_USER)
            for path in (self.root, self.sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        # Local socket: trust (the test's admin connection); TCP: passwords (LiftRescue).
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
        # fsync off: a test server's durability is not under test, and CI shares two cores.
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        with psycopg.connect(host=str(self.sockets), port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f"CREATE ROLE liftrescue LOGIN PASSWORD '{self.password}'")
            conn.execute("CREATE DATABASE liftrescue OWNER liftrescue")
        return self

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def server_version(self) -> str:
        with psycopg.connect(self.url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else ""


@contextmanager
def debian_postgres() -> Iterator[DebianPostgres]:
    """A running server for the block; stopped and deleted afterwards."""
    server = DebianPostgres()
    try:
        yield server.start()
    finally:
        server.stop()
