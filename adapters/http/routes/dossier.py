"""One ticket's dossier for auditors: JSON, or a readable standalone HTML page."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adapters.http.auth import Reader, unit_scope
from adapters.http.deps import TicketsDep
from adapters.http.presenters import event_public, ticket_public

router = APIRouter(prefix="/v1/tickets", tags=["audit"])


def _dossier(tickets, ticket_id: UUID, principal) -> dict[str, Any]:  # noqa: ANN001
    events = tickets.history(ticket_id, unit_id=unit_scope(principal))
    return {"ticket": ticket_public(tickets.ticket(ticket_id)),
            "events": [event_public(e) for e in events],
            "exported_at": datetime.now(UTC).isoformat(), "exported_by": principal.subject}


@router.get("/{ticket_id}/dossier", responses={404: {"description": "No such ticket"}})
def dossier(ticket_id: UUID, tickets: TicketsDep, principal: Reader) -> dict[str, Any]:
    """The ticket's state and every event, for filing."""
    return _dossier(tickets, ticket_id, principal)


@router.get("/{ticket_id}/dossier.html", response_class=HTMLResponse)
def dossier_html(request: Request, ticket_id: UUID, tickets: TicketsDep,
                 principal: Reader) -> HTMLResponse:
    """The same dossier as a printable page."""
    data = _dossier(tickets, ticket_id, principal)
    return request.app.state.templates.TemplateResponse(request, "dossier.html", {
        "t": data["ticket"].model_dump(), "events": [e.model_dump() for e in data["events"]],
        "exported_at": data["exported_at"]})
