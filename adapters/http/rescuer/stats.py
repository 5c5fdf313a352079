"""GET /v1/reports/arrival-proof: how many arrivals were proven on site, per unit and station."""

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from adapters.http import export_columns as columns
from adapters.http.deps import ServicesDep, UnitFilter
from adapters.http.exports import ExportFormat, respond
from adapters.http.windows import From, To
from adapters.postgres.arrival_proofs import proven_share

router = APIRouter(prefix="/v1/reports", tags=["projections"])


@router.get("/arrival-proof")
async def arrival_proof(services: ServicesDep, unit_id: UnitFilter, fmt: ExportFormat,
                        start: From = None, to: To = None) -> Any:
    """Arrivals proven by QR scan or GPS (not only reported), per maintenance unit and rescue
    station, of tickets received in [from, to); unit tokens see their unit."""
    share = await run_in_threadpool(proven_share, services.pool, unit_id, start, to)
    if fmt:
        return respond(share["items"], columns.ARRIVAL_PROOF, "arrival-proof", fmt)
    return share
