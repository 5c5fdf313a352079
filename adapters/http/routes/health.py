"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from adapters.http.deps import ServicesDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when the database answers (and the Kafka broker, when configured)."""
    checks: dict[str, str] = {}
    try:
        with services.pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")
        checks["db"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["db"] = f"error: {type(exc).__name__}"
    if services.settings.kafka_bootstrap:
        from adapters.kafka.topics import broker_reachable

        reachable = broker_reachable(services.settings.kafka_bootstrap)
        checks["broker"] = "ok" if reachable else "error: unreachable"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
