"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from adapters.bootstrap import Services
from adapters.http.deps import ServicesDep
from adapters.projection_runtime.readiness import assess_services, describe, dispatch_backlog

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when the database answers, every view follows its log (no repeated failures, no
    stall) and the Kafka broker answers, when configured."""
    checks: dict[str, str] = {}
    views: dict[str, dict] = {}
    try:
        with services.pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")
        checks["db"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["db"] = f"error: {type(exc).__name__}"
    if checks["db"] == "ok":
        checks["views"], views = _views(services)
    if services.settings.kafka_bootstrap:
        from adapters.kafka.topics import broker_reachable

        reachable = broker_reachable(services.settings.kafka_bootstrap)
        checks["broker"] = "ok" if reachable else "error: unreachable"
    ready = all(v == "ok" for v in checks.values())
    body = {"ready": ready, "checks": checks, "views": views}
    if checks["db"] == "ok":
        body["dispatcher"] = _dispatcher(services)
    return JSONResponse(body, status_code=200 if ready else 503)


def _dispatcher(services: Services) -> dict:
    """Said, not gating: taking the API out of service because dispatch is behind would also
    stop the alarms coming in (issue 18)."""
    try:
        return dispatch_backlog(services).public()
    except Exception as exc:  # noqa: BLE001 - unknown backlog is reported as such
        return {"ok": False, "problem": f"error: {describe(exc)}"}


def _views(services: Services) -> tuple[str, dict[str, dict]]:
    """`ok` or `error: <view> stalled: lag 12, ...; ...`, and each view's state."""
    try:
        states = assess_services(services)
    except Exception as exc:  # noqa: BLE001 - unknown view health is not ready
        return f"error: {describe(exc)}", {}
    bad = [f"{s.view} stalled: {s.problem()}" for s in states if not s.ok]
    return ("error: " + "; ".join(bad) if bad else "ok"), {s.view: s.public() for s in states}
