"""Whom to call about a ticket, with full numbers: operators, admins and the ticket's own unit."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends

from adapters.http.auth import FIELD_WORK, Reader, require, unit_scope
from adapters.http.deps import RegistryDep, ServicesDep, TicketsDep
from dispatch.personal_data import ticket_contacts

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])


@router.get("/{ticket_id}/contacts", dependencies=[Depends(require(*FIELD_WORK))], responses={
    403: {"description": "Auditors never see full numbers"},
    404: {"description": "No such ticket (or another unit's)"}})
def get_contacts(ticket_id: UUID, tickets: TicketsDep, registry: RegistryDep,
                 services: ServicesDep, principal: Reader) -> dict[str, Any]:
    """Caller, responder, station lead and workers, unit emergency lead and safety manager:
    each with `masked`, the full `phone` (null when purged, masked-only or unreadable) and the
    `problem` why not. Never logged, exported or sent to Kafka."""
    ticket = tickets.ticket(ticket_id, unit_id=unit_scope(principal))
    return ticket_contacts(ticket, registry, services.personal_data)
