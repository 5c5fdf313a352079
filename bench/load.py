"""Closed-loop load: N threads repeat an operation for a duration; latencies collected."""

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    name: str
    ops: int
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    errors: int = 0

    @property
    def throughput(self) -> float:
        return self.ops / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict[str, float | int | str]:
        return {"name": self.name, "ops": self.ops, "seconds": round(self.seconds, 2),
                "per_second": round(self.throughput, 1), "p50_ms": round(self.pct(0.50), 2),
                "p99_ms": round(self.pct(0.99), 2), "errors": self.errors,
                "mean_ms": round(statistics.fmean(self.latencies_ms), 2)
                if self.latencies_ms else None}


def run_closed_loop(name: str, clients: int, seconds: float,
                    make_worker: Callable[[int], Callable[[int], None]]) -> Result:
    """Each client calls its worker(i) back to back until time is up; one op = one call."""
    stop = threading.Event()
    lock = threading.Lock()
    result = Result(name, 0, 0.0)
    workers = [make_worker(c) for c in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def loop(worker: Callable[[int], None]) -> None:
        local, errors, i = [], 0, 0
        barrier.wait()
        while not stop.is_set():
            started = time.perf_counter()
            try:
                worker(i)
                local.append((time.perf_counter() - started) * 1000)
            except Exception:  # noqa: BLE001 - counted, reported
                errors += 1
            i += 1
        with lock:
            result.latencies_ms.extend(local)
            result.errors += errors

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in workers]
    [t.start() for t in threads]
    barrier.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    [t.join() for t in threads]
    result.seconds = time.perf_counter() - began
    result.ops = len(result.latencies_ms)
    return result
