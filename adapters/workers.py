"""Background roles (projections, relay, intake, dispatcher): each runs until `stop` is set.

`liftrescue serve ROLE` runs one in the foreground; `liftrescue dev` runs all of them in threads
beside the API. A role is `run(services, stop)`; add new roles to ROLES.
"""

import threading
from collections.abc import Callable

import structlog

from adapters.bootstrap import Services

log = structlog.get_logger(__name__)
Role = Callable[[Services, threading.Event], None]

ROLES: dict[str, Role] = {}


def _kafka_role(name: str) -> Role:
    # Imported when run, so roles without Kafka never load the client.
    def run(services: Services, stop: threading.Event) -> None:
        from importlib import import_module

        import_module(f"adapters.kafka.{name}").run(services, stop)

    return run


ROLES["relay"] = _kafka_role("relay")
ROLES["intake"] = _kafka_role("intake")


def start_all(services: Services, stop: threading.Event) -> list[threading.Thread]:
    """Start every role in a daemon thread (dev mode)."""
    threads = []
    for name, role in ROLES.items():
        thread = threading.Thread(target=_guarded, args=(name, role, services, stop),
                                  name=f"role-{name}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def _guarded(name: str, role: Role, services: Services, stop: threading.Event) -> None:
    try:
        role(services, stop)
    except Exception:
        log.exception("role_crashed", role=name)
        raise
