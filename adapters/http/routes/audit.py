"""Auditors' door: verify that no stored event was edited or deleted."""

from typing import Any

from fastapi import APIRouter, Depends

from adapters.http.auth import require
from adapters.http.deps import ServicesDep

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/verify", dependencies=[Depends(require("admin", "auditor"))])
def verify(services: ServicesDep) -> dict[str, Any]:
    """Recompute the hash chain over the event store; name the first bad event."""
    services.audit.extend(limit=100_000)  # chain whatever arrived since the worker last ran
    result = services.audit.verify()
    return {"checked_events": result.checked_events, "pending_events": result.pending_events,
            "ok": result.ok, "first_mismatch": result.first_mismatch}
