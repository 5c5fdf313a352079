"""The dispatcher in the bench (issue 18): how fast it drains a backlog, and receipt → station
notified latency (p50/p99) at a paced alarm rate, with the views and the dispatcher running as
`liftrescue dev` runs them. Lifts registered and bound to stations (bench/city.py)."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import city as sim
from dispatch.commands import Context, ReceiveAlarm

CTX = Context(actor="bench:dispatch", correlation_id="bench-dispatch")


def _post(services: Any, lifts: list[str], refs: list[str]) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: services.tickets.receive_alarm(ReceiveAlarm(
            lift=lifts[i % len(lifts)], source="iot", source_ref=refs[i]), CTX),
            range(len(refs))))


def _timeline(services: Any) -> dict[str, list]:
    """Per ticket: [received (recorded) at, first notified at or None]."""
    app, seen = services.tickets, {}
    for n in app.recorder.select_notifications(start=1, limit=10**7):
        event = app.mapper.to_domain_event(n)
        kind = type(event).__name__
        if kind == "AlarmReceived":
            seen[str(event.originator_id)] = [event.timestamp, None]
        elif kind == "StationNotified" and seen.get(str(event.originator_id), [0, 1])[1] is None:
            seen[str(event.originator_id)][1] = event.timestamp
    return seen


def _wait_all_notified(services: Any, count: int, give_up: float) -> float:
    deadline = time.monotonic() + give_up
    while time.monotonic() < deadline:
        with services.pool.connection() as conn:
            done = conn.execute("SELECT count(DISTINCT originator_id) FROM tickets_events "
                                "WHERE topic LIKE '%StationNotified'").fetchone()[0]
        if done >= count:
            return time.monotonic()
        time.sleep(0.1)
    raise RuntimeError(f"dispatcher did not notify {count} tickets within {give_up} s")


def _pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else None


def measure(services: Any, backlog: int, rate: float, seconds: float, say=print) -> dict:
    """Drain `backlog` waiting alarms, then `rate` alarms/s for `seconds` with it running."""
    from adapters.runtime import roles

    town = sim.City.generate(60, seed=18)
    sim.register(services, town)
    lifts = [lift.code for lift in town.lifts if lift.station is not None]
    tag = uuid.uuid4().hex[:6]
    _post(services, lifts, [f"d-{tag}-{i}" for i in range(backlog)])
    stop = threading.Event()
    threads = [threading.Thread(target=roles.ROLES[r], args=(services, stop), daemon=True)
               for r in ("projections", "dispatcher")]
    began = time.monotonic()
    [t.start() for t in threads]
    drained = _wait_all_notified(services, backlog, 600) - began
    say(f"  dispatcher: backlog of {backlog} notified in {drained:.1f} s")
    sent, start = 0, time.monotonic()
    with ThreadPoolExecutor(8) as pool:  # paced: one alarm every 1/rate s
        while (elapsed := time.monotonic() - start) < seconds:
            due = int(elapsed * rate) + 1
            for i in range(sent, due):
                pool.submit(services.tickets.receive_alarm, ReceiveAlarm(
                    lift=lifts[i % len(lifts)], source="iot", source_ref=f"p-{tag}-{i}"), CTX)
            sent = due
            time.sleep(0.01)
    _wait_all_notified(services, backlog + sent, 600)
    stop.set()
    [t.join(timeout=30) for t in threads]
    timeline = list(_timeline(services).values())[-sent:] if sent else []  # log order
    paced = [(notified - received).total_seconds() * 1000 for received, notified in timeline]
    return {"backlog": backlog, "drain_per_second": round(backlog / drained, 1),
            "paced_rate": rate, "paced_alarms": sent,
            "latency_p50_ms": _pct(paced, 0.50), "latency_p99_ms": _pct(paced, 0.99)}
