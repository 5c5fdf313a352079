"""Background roles (projections, relay, intake, dispatcher): each runs until `stop` is set.

`liftrescue serve ROLE` runs one in the foreground; `liftrescue dev` runs all of them in threads
beside the API. A role is `run(services, stop)`; add new roles to ROLES. Roles only run what
adapters/bootstrap.py built (the services, and the `build_*` workers there).
"""

import threading
from collections.abc import Callable

import structlog

from adapters.bootstrap import (
    Services,
    build_checkpoints,
    build_intake,
    build_province,
    build_relay,
    build_report_schedule,
    build_supervisor,
    build_upstream,
)

from adapters.projection_runtime.readiness import BehindWatch
from adapters.runtime.risk_watch import RiskWatch

log = structlog.get_logger(__name__)
Role = Callable[[Services, threading.Event], None]


def chain_audit_log(services: Services, stop: threading.Event) -> None:
    """Keep the audit chain at the head of both event logs; checkpoint it outside the database."""
    # Own thread: a slow broker must not stall the chainer, whose heartbeat tells verify it is live.
    done = threading.Event()
    writer = threading.Thread(target=build_checkpoints(services).run, args=(done,),
                              name="audit-checkpoints", daemon=True)
    writer.start()
    try:
        while not stop.is_set():
            if services.audit.extend() == 0:
                stop.wait(0.5)
    finally:
        done.set()  # stopped or failed: the writer checkpoints the newest head once more and ends
        writer.join(timeout=30)


def run_projections(services: Services, stop: threading.Event) -> None:
    """Every materialised view, each kept at the head of its application's log."""
    build_supervisor(services).run(stop)


def run_dispatcher(services: Services, stop: threading.Event) -> None:
    """Fire due deadlines: notify, escalate, warn of overdue tickets."""
    settings = services.settings
    settings.require_sms_gateway()
    if services.sms.channel == "log":
        log.warning("sms_gateway_log", detail="SMS are recorded in the outbox, nobody is told",
                    drill=settings.sms_drill)
    elif settings.sms_receipt_secret is None:
        log.warning("sms_receipts_off", detail="no LIFTRESCUE_SMS_RECEIPT_SECRET: a message "
                    "nobody got is caught only by the accept timeout")
    if settings.monthly_reports:  # own thread: making PDFs must never delay a deadline
        threading.Thread(target=build_report_schedule(services).run, args=(stop,),
                         name="monthly-reports", daemon=True).start()
    risk = RiskWatch(services)  # lifts entering the risk list: their unit lead is texted
    behind = BehindWatch(services)  # issue 18: an error in the log while alarms wait too long
    while not stop.is_set():
        risk.tick()
        behind.tick()
        try:
            fired = services.dispatcher.run_once()
        except Exception:  # noqa: BLE001 - a failed round is retried on the next tick
            log.exception("dispatcher_round_failed")
            fired = 0
        if not fired:
            stop.wait(settings.dispatcher_poll_seconds)


def run_relay(services: Services, stop: threading.Event) -> None:
    """Every ticket event to Kafka, at least once, in log order."""
    build_relay(services).run(stop)


def run_intake(services: Services, stop: threading.Event) -> None:
    """Alarms and node reports from Kafka into the same commands as HTTP."""
    build_intake(services).run(stop)


def run_upstream(services: Services, stop: threading.Event) -> None:
    """Ticket and lift records (数据归集) to the upstream topic, at least once."""
    from adapters.kafka.upstream_relay import run_both

    run_both(build_upstream(services), stop)


def run_province(services: Services, stop: threading.Event) -> None:
    """A province deployment (its own database): the cities' upstream records to statistics."""
    build_province(services).run(stop)


ROLES: dict[str, Role] = {"audit-chain": chain_audit_log, "projections": run_projections,
                          "dispatcher": run_dispatcher, "relay": run_relay, "intake": run_intake,
                          "upstream": run_upstream, "province": run_province}
KAFKA_ROLES = ("relay", "intake", "upstream")
SEPARATE_DEPLOYMENTS = ("province",)  # never part of a city's `dev`


def start_all(services: Services) -> list[threading.Thread]:
    """Start every role in a thread (dev mode); closing the services stops and joins them."""
    stop = threading.Event()
    roles = {name: role for name, role in ROLES.items() if name not in SEPARATE_DEPLOYMENTS}
    if not services.settings.kafka_bootstrap:
        # Without a broker there is nothing to relay to or take in from; the events wait in
        # the store and the relay catches up from its position once a broker is configured.
        log.info("kafka_roles_skipped", roles=list(KAFKA_ROLES), reason="no kafka_bootstrap")
        for name in KAFKA_ROLES:
            roles.pop(name)
    threads = [threading.Thread(target=_guarded, args=(name, role, services, stop),
                                name=f"role-{name}", daemon=True)
               for name, role in roles.items()]

    def stop_and_join() -> None:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    services.on_close.append(stop_and_join)
    for thread in threads:
        thread.start()
    return threads


def _guarded(name: str, role: Role, services: Services, stop: threading.Event) -> None:
    try:
        role(services, stop)
    except Exception:
        log.exception("role_crashed", role=name)
        raise
