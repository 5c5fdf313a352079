"""Roles started together on a fresh database: every one builds its services (no table race)."""

import threading

from adapters.bootstrap import bootstrap


def test_roles_starting_together_on_a_fresh_database_all_start(settings):
    starters, barrier = 6, threading.Barrier(6)
    built, failed = [], []

    def start() -> None:
        barrier.wait()
        try:
            built.append(bootstrap(settings))
        except Exception as exc:  # noqa: BLE001 - collected and shown below
            failed.append(repr(exc))

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for services in built:
        services.close()
    assert failed == [] and len(built) == starters
