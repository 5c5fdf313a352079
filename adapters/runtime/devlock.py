"""One `liftrescue dev` per state folder, and its API port claimed before anything starts."""

import fcntl
import os
import socket
from pathlib import Path
from typing import IO

LOCK_NAME = "dev.lock"


def hold_dev_lock(state_dir: Path, port: int) -> IO[str]:
    """Lock state_dir/dev.lock for this process (pid and port inside) or exit naming the holder.

    flock is released by the kernel when the holder dies, so a killed dev leaves no stale lock;
    the returned file must stay open for the life of the process.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_NAME
    lock = path.open("a+")  # never truncate before holding the lock: the holder's pid is inside
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = dict(line.split("=", 1) for line in lock.read().split() if "=" in line)
        lock.close()
        raise SystemExit(
            f"liftrescue dev is already running on {state_dir.resolve()} "
            f"(pid {holder.get('pid', '?')}, port {holder.get('port', '?')}); "
            "stop it first or use another LIFTRESCUE_STATE_DIR") from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid={os.getpid()}\nport={port}\n")
    lock.flush()
    return lock


def claim_port(host: str, port: int) -> socket.socket:
    """Bind the API's listening socket now, so a busy port fails before anything is started."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    # uvicorn sets SO_REUSEADDR too: a port in TIME_WAIT is free, a listening one is not.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SystemExit(f"liftrescue dev cannot listen on {host}:{port}: {exc.strerror}; "
                         "is another server using it? pick another with --port") from None
    sock.listen(2048)  # listening now: nobody else can take the port while we start up
    return sock
