"""GET /v1/risk/lifts: lifts with repeated entrapments, or whose repeats share a cause."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from adapters.http import export_columns as columns
from adapters.http.deps import ServicesDep, UnitFilter
from adapters.http.exports import ExportFormat, respond
from adapters.postgres.risk_lifts import RiskLifts

router = APIRouter(prefix="/v1", tags=["reports"])
Days = Annotated[int, Query(ge=1, le=366, description="The window, in days back from now")]
MinTickets = Annotated[int, Query(ge=2, le=1000, description="Entrapments that make a lift "
                                                              "a repeat (at least 2)")]


def risk_lifts(services: ServicesDep) -> RiskLifts:
    return RiskLifts(services.pool)


RiskLiftsDep = Annotated[RiskLifts, Depends(risk_lifts)]


def risk_list(risk: RiskLifts, unit_id: str | None, days: int,
              min_tickets: int) -> list[dict[str, Any]]:
    """The list, each lift with when it entered the warned list (None: not warned yet)."""
    items = risk.lifts(days, min_tickets, unit_id, datetime.now(UTC))
    entered = risk.entered_at([item["registration_code"] for item in items])
    return [{**item, "warned_at": entered.get(item["registration_code"])} for item in items]


@router.get("/risk/lifts")
def list_risk_lifts(unit_id: UnitFilter, risk: RiskLiftsDep, fmt: ExportFormat,
                    days: Days = 90, min_tickets: MinTickets = 3) -> Any:
    """Risk warning (风险预警): lifts with at least `min_tickets` entrapments in the last
    `days` days (reason `repeated`), and lifts whose repeats share a fault cause category
    (reason `shared_cause`); a unit user sees its own lifts."""
    items = risk_list(risk, unit_id, days, min_tickets)
    if fmt:
        return respond(items, columns.RISK_LIFTS, "risk-lifts", fmt)
    return {"days": days, "min_tickets": min_tickets, "items": items}
