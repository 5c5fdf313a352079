"""Console page: the risk warning list (lifts with repeated entrapments)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adapters.http.console.rendering import render
from adapters.http.console.session import ConsoleScope
from adapters.http.routes.risk import RiskLiftsDep, risk_list

router = APIRouter(prefix="/console", include_in_schema=False)
REASONS = {"repeated": "反复困人 Repeated", "shared_cause": "同因复发 Same cause"}


def _bounded(request: Request, name: str, default: int, low: int, high: int) -> int:
    """A number from the query string; out of range or not a number: the default."""
    try:
        value = int(request.query_params.get(name, default))
    except ValueError:
        return default
    return value if low <= value <= high else default


@router.get("/risk")
def risk_page(request: Request, scope: ConsoleScope, risk: RiskLiftsDep) -> HTMLResponse:
    days = _bounded(request, "days", 90, 1, 366)
    min_tickets = _bounded(request, "min_tickets", 3, 2, 1000)
    return render(request, "risk.html", days=days, min_tickets=min_tickets, reasons=REASONS,
                  rows=risk_list(risk, scope, days, min_tickets))
