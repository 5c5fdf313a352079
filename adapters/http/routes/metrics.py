"""`GET /metrics`: Prometheus text exposition for every role, served by the API.

Roles run as separate processes and only the API serves HTTP, so what all of them share is read
from PostgreSQL at each scrape (views' health, event logs, relay position, dead letters, SMS);
this process's own figures (request latency, alarms, group commits) come from adapters.metrics.
A database that cannot be read turns `liftrescue_metrics_database_ok` to 0 instead of failing
the scrape: latency during an outage is when it matters most. docs/OPERATIONS.md lists them all.
"""

from collections.abc import Callable, Iterator
from typing import Any

import structlog
from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from adapters.http.deps import ServicesDep
from adapters.metrics import registry
from adapters.postgres import operational_figures
from adapters.postgres.operational_figures import Figures
from adapters.postgres.view_health import describe
from adapters.projection_runtime.readiness import ViewState, assess_services

router = APIRouter(tags=["operations"])
log = structlog.get_logger(__name__)
DEAD_LETTER_CATEGORIES = ("malformed", "rejected")
TICKET_RELAY = "ticket-events"  # adapters.kafka.relay's default name


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _counter(name: str, doc: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, value=value)


def view_metrics(states: list[ViewState]) -> Iterator[Metric]:
    """Each view's failures, lag, position and readiness."""
    families: list[tuple[Any, Callable[[ViewState], float]]] = [
        (CounterMetricFamily("liftrescue_view_failures", "Runner failures of a view",
                             labels=["view"]), lambda s: s.failures),
        (GaugeMetricFamily("liftrescue_view_consecutive_failures",
                           "Runner failures of a view since it last ran well",
                           labels=["view"]), lambda s: s.consecutive_failures),
        (GaugeMetricFamily("liftrescue_view_lag", "Newest notification id minus the "
                           "view's tracked position", labels=["view"]), lambda s: s.lag),
        (GaugeMetricFamily("liftrescue_view_position", "The view's tracked notification id",
                           labels=["view"]), lambda s: s.position),
        (GaugeMetricFamily("liftrescue_view_ready", "1 when the view follows its log",
                           labels=["view"]), lambda s: int(s.ok)),
    ]
    for family, value in families:
        for state in states:
            family.add_metric([state.view], value(state))
        yield family


def shared_metrics(figures: Figures, appended: dict[str, int],
                   relays: dict[str, int]) -> Iterator[Metric]:
    """The event logs, relay, intake and SMS figures left in PostgreSQL by every role."""
    events = CounterMetricFamily("liftrescue_events_appended", "Events stored by an "
                                 "application (its newest notification id)", labels=["application"])
    for application, newest in sorted(appended.items()):
        events.add_metric([application], newest)
    yield events
    position = GaugeMetricFamily("liftrescue_relay_position", "Last notification id the "
                                 "broker acknowledged", labels=["relay"])
    lag = GaugeMetricFamily("liftrescue_relay_lag", "Ticket notifications not yet relayed to "
                            "Kafka", labels=["relay"])
    for name, at in sorted(relays.items()):
        position.add_metric([name], at)
        lag.add_metric([name], max(appended.get("tickets", 0) - at, 0))
    yield from (position, lag)
    dead = CounterMetricFamily("liftrescue_intake_dead_letters", "Messages the intake sent to "
                               "the DLQ, by category", labels=["category"])
    for category in sorted({*DEAD_LETTER_CATEGORIES, *figures.dead_letters}):
        dead.add_metric([category], figures.dead_letters.get(category, 0))
    yield dead
    yield _counter("liftrescue_sms_failed", "SMS the gateway refused (outbox status failed)",
                   figures.sms_failed)
    yield _gauge("liftrescue_sms_awaiting_receipt", "SMS the HTTP gateway accepted in the last "
                 "24 h with no delivery receipt yet (the outbox's depth)",
                 figures.sms_awaiting_receipt)
    yield _counter("liftrescue_sms_receipts_failed", "Delivery receipts saying a person did "
                   "not get an SMS", figures.sms_receipts_failed)


class SharedMetrics:
    """A one-scrape collector over what the database holds."""

    def __init__(self, services: Any):
        self.services = services

    def collect(self) -> Iterator[Metric]:
        services = self.services
        try:
            states = assess_services(services)
            appended = {app.name: app.recorder.max_notification_id() or 0
                        for app in (services.tickets, services.registry)}
            with services.pool.connection(timeout=2) as conn:
                figures = operational_figures.read(conn)
        except Exception as exc:  # noqa: BLE001 - said by the gauge below and the log
            log.error("metrics_database_unreadable", error=describe(exc))
            yield _gauge("liftrescue_metrics_database_ok", "1 when this scrape read PostgreSQL",
                         0)
            return
        relays = {name: at for name, at, _ in figures.relays}
        if services.settings.kafka_bootstrap:  # a relay that never ran lags the whole log
            relays.setdefault(TICKET_RELAY, 0)
        yield _gauge("liftrescue_metrics_database_ok", "1 when this scrape read PostgreSQL", 1)
        yield from view_metrics(states)
        yield from shared_metrics(figures, appended, relays)


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(services: ServicesDep) -> Response:
    """Every role's figures and this process's own, in Prometheus text format."""
    body = generate_latest(registry()) + generate_latest(_shared(services))
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _shared(services: Any) -> CollectorRegistry:
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(SharedMetrics(services))  # type: ignore[arg-type]
    return scrape
