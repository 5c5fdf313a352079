"""Auditors' door: verify that no stored event was edited, deleted, inserted or left unchained."""

from typing import Any

from fastapi import APIRouter, Depends

from adapters.http.auth import require
from adapters.http.deps import ServicesDep

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/verify", dependencies=[Depends(require("admin", "auditor"))])
def verify(services: ServicesDep) -> dict[str, Any]:
    """Check every stored event of both logs against the keyed chain; list every problem.

    Never extends the chain first: an event nobody chained (a forged row appended behind the
    system's back) must show up as unchained, not be vouched for. See docs/AUDIT.md.
    """
    return services.audit.verify().public()
