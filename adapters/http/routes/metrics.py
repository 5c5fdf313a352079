"""`GET /metrics`: Prometheus text exposition of the views' health, read from PostgreSQL.

The projections role runs in another process, so nothing is kept in this process's memory:
each scrape reads `view_health` and the views' positions (adapters/view_readiness.py).
"""

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from adapters.http.deps import ServicesDep
from adapters.projection_runtime.readiness import ViewState, assess_services

router = APIRouter(tags=["operations"])


class ViewMetrics:
    """A one-scrape collector over the views' states."""

    def __init__(self, states: list[ViewState]):
        self.states = states

    def collect(self) -> Iterator[Metric]:
        families = [
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
            for state in self.states:
                family.add_metric([state.view], value(state))
            yield family


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(services: ServicesDep) -> Response:
    """Views' failures, lag, position and readiness in Prometheus text format."""
    body = generate_latest(ViewMetrics(assess_services(services)))  # type: ignore[arg-type]
    return Response(body, media_type=CONTENT_TYPE_LATEST)
