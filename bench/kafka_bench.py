"""Kafka benchmark (not a test): relay vs a raw kafka-python producer, and intake alarms/s.

Part of `liftrescue bench`; alone: .venv/bin/python -m bench.kafka_bench [--events N] [--runs 3]

Starts embedded PostgreSQL and Tansu unless LIFTRESCUE_DATABASE_URL / LIFTRESCUE_KAFKA_BOOTSTRAP
are set. The raw producer sends the relay's exact messages (pre-encoded) with the same producer
settings to the same broker in the same run; the relay's time includes reading the notification
log, mapping, sending, waiting for acks and tracking.
"""

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kafka import KafkaProducer

from adapters.bootstrap import bootstrap
from adapters.kafka.intake import Intake
from adapters.kafka.messages import encode, event_message, unit_of_alarm
from adapters.kafka.relay import Relay, make_producer
from adapters.kafka.topics import ensure_topics, topics_of
from adapters.runtime.logging import configure_logging
from adapters.runtime.settings import Settings
from dispatch.commands import Context, NotifyStation, ReceiveAlarm

CTX = Context(actor="bench", correlation_id="bench")


def environment(tmp: Path) -> tuple[str, str]:
    db = os.environ.get("LIFTRESCUE_DATABASE_URL")
    if not db:
        from adapters.runtime.embedded import start_postgres

        db = start_postgres(tmp / "pg", database=f"bench_{uuid.uuid4().hex[:8]}")
    bs = os.environ.get("LIFTRESCUE_KAFKA_BOOTSTRAP")
    if not bs:
        from adapters.runtime.broker import start_broker

        bs = start_broker(tmp / "tansu.log").bootstrap
    return db, bs


def fill_store(app, events: int) -> None:
    """events/2 alarms, each followed by a notification (parallel, untimed)."""
    start = datetime.now(UTC) - timedelta(hours=2)

    def one(n: int) -> None:
        out = app.receive_alarm(ReceiveAlarm(lift="123456", source="iot", source_ref=f"B-{n}",
                                             received_at=start), CTX)
        app.notify_station(NotifyStation(ticket_id=out.ticket.id, at=start + timedelta(minutes=1),
                                         station=None, channel="sms"), CTX)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(events // 2)))


def raw_producer_seconds(app, bootstrap: str, topic: str) -> tuple[int, float]:
    encoded = []
    for n in app.recorder.select_notifications(start=1, limit=10**7):
        event = app.mapper.to_domain_event(n)
        encoded.append(encode(event_message(event, unit_of_alarm(event)), event.correlation_id))
    producer = make_producer(bootstrap)
    producer.send(topic, value=b"warm-up").get(timeout=10)
    began = time.perf_counter()
    futures = [producer.send(topic, key=k, value=v, headers=h) for k, v, h in encoded]
    producer.flush()
    for future in futures:
        future.get(timeout=0)
    elapsed = time.perf_counter() - began
    producer.close()
    return len(encoded), elapsed


def best_producer(bootstrap: str, topic: str, messages: int = 20_000,
                  size: int = 400) -> dict:
    """The anchor (issue 18): kafka-python at its best-configured — idempotent, acks=all,
    batches of 512 KB with a short linger — sending `messages` of `size` bytes."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                             linger_ms=20, batch_size=512 * 1024, max_request_size=2 * 2**20)
    producer.send(topic, value=b"warm-up").get(timeout=10)
    payload = b"x" * size
    began = time.perf_counter()
    futures = [producer.send(topic, key=str(n).encode(), value=payload)
               for n in range(messages)]
    producer.flush()
    for future in futures:
        future.get(timeout=0)
    elapsed = time.perf_counter() - began
    producer.close()
    return {"messages": messages, "bytes": size, "per_second": round(messages / elapsed)}


def relay_seconds(services, name: str) -> tuple[int, float]:
    relay = Relay(services.tickets, services.pool, services.settings, name=name)
    stop = threading.Event()
    relay._producer().send(relay.topic, value=b"warm-up").get(timeout=10)
    last, began = services.tickets.recorder.max_notification_id(), time.perf_counter()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    while relay.position.load() < last:
        time.sleep(0.05)  # coarse: polling must not steal the relay's GIL time
    elapsed = time.perf_counter() - began
    stop.set()
    thread.join(timeout=30)
    return last, elapsed


def produce_alarms(bootstrap: str, topic: str, refs: list[str]) -> None:
    """Runs in its own process, like a call centre would (keeps the producer off our GIL)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    for ref in refs:
        producer.send(topic, key=ref.encode(), value=json.dumps(
            {"kind": "alarm", "source": "phone", "source_ref": ref, "lift": "654321"}).encode())
    producer.flush()
    producer.close()


def intake_rate(services, bootstrap: str, alarms: int) -> float:
    import multiprocessing

    settings, app = services.settings, services.tickets
    stop = threading.Event()
    intake = Intake(services.tickets, services.pool, services.settings)
    thread = threading.Thread(target=intake.run, args=(stop,), daemon=True)
    thread.start()
    produce_alarms(bootstrap, settings.kafka_alarms_topic, ["warm-up"])
    base = wait_count(app, lambda c: c >= 1)
    began = time.perf_counter()
    producer = multiprocessing.get_context("spawn").Process(
        target=produce_alarms,
        args=(bootstrap, settings.kafka_alarms_topic, [f"I-{n}" for n in range(alarms)]))
    producer.start()
    wait_count(app, lambda c: c >= base + alarms)
    elapsed = time.perf_counter() - began
    producer.join()
    stop.set()
    thread.join(timeout=30)
    return alarms / elapsed


def wait_count(app, done) -> int:
    while True:
        count = app.recorder.max_notification_id() or 0
        if done(count):
            return count
        time.sleep(0.02)


def measure(db: str, bs: str, events: int, alarms: int, runs: int,
            say=print) -> dict:
    """Relay vs raw producer (median of `runs`, alternating) and intake alarms/s."""
    tag = uuid.uuid4().hex[:8]
    relay_settings = Settings(database_url=db, kafka_bootstrap=bs, db_pool_size=8,
                              kafka_events_topic=f"bench-events-{tag}",
                              kafka_alarms_topic=f"bench-alarms-{tag}",
                              kafka_dlq_topic=f"bench-alarms-{tag}.dlq",
                              kafka_intake_group=f"bench-{tag}")
    ensure_topics(bs, topics_of(relay_settings))
    services = bootstrap(relay_settings)
    fill_store(services.tickets, events)
    ratios, rows = [], []
    for run in range(runs):  # alternate raw and relay; the machine's load varies
        ensure_topics(bs, [f"bench-raw-{tag}-{run}", f"bench-events-{tag}-{run}"])
        count, raw = raw_producer_seconds(services.tickets, bs, f"bench-raw-{tag}-{run}")
        services.settings = services.settings.model_copy(
            update={"kafka_events_topic": f"bench-events-{tag}-{run}"})
        count2, relayed = relay_seconds(services, f"bench-{run}")
        ratios.append(raw / relayed)
        rows.append((count / raw, count2 / relayed))
        say(f"run {run}: raw producer {count} msgs in {raw:.2f} s = {count / raw:,.0f} msg/s; "
              f"relay {count2} msgs in {relayed:.2f} s = {count2 / relayed:,.0f} msg/s "
              f"({100 * raw / relayed:.0f}% of raw)")
    median = sorted(range(runs), key=lambda i: ratios[i])[runs // 2]
    ensure_topics(bs, [f"bench-best-{tag}"])
    best = best_producer(bs, f"bench-best-{tag}")
    say(f"best-configured producer: {best['messages']:,} × {best['bytes']} B at "
        f"{best['per_second']:,} msg/s")
    rate = intake_rate(services, bs, alarms)
    services.close()
    return {"events": events, "runs": runs, "raw_per_second": round(rows[median][0]),
            "relay_per_second": round(rows[median][1]), "ratio": round(ratios[median], 3),
            "best_ratio": round(max(ratios), 3), "alarms": alarms,
            "best_producer_per_second": best["per_second"],
            "intake_per_second": round(rate)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--alarms", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    configure_logging("WARNING", "console")
    tmp = Path(tempfile.mkdtemp(prefix="liftrescue-bench-"))
    db, bs = environment(tmp)
    result = measure(db, bs, args.events, args.alarms, args.runs)
    print(f"relay / raw: median {100 * result['ratio']:.0f}%, best {100 * result['best_ratio']:.0f}%")
    print(f"intake: {args.alarms} alarms at {result['intake_per_second']:,} alarms/s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
