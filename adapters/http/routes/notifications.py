"""The SMS outbox of a ticket: what was sent to whom (masked), whether the gateway accepted it,
and each recipient's delivery as the gateway's receipts report it."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from adapters.http.deps import CurrentUnitScope, ServicesDep

router = APIRouter(prefix="/v1/notifications", tags=["dispatch"])


@router.get("")
def notifications(ticket_id: UUID, scope: CurrentUnitScope,
                  services: ServicesDep) -> dict[str, Any]:
    """Messages sent for a ticket, oldest first; recipients carry cc and delivery status."""
    services.tickets.ticket(ticket_id, unit_id=scope)  # 404 if not visible
    return {"items": services.sms.for_ticket(str(ticket_id))}
