"""Whom to call about a ticket, with full numbers: operators, admins and the ticket's own unit."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from adapters.http.auth import FIELD_WORK, Reader, require, unit_scope
from adapters.http.deps import RegistryDep, ServicesDep, TicketsDep
from dispatch.personal_data import ticket_contacts

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])


class Contact(BaseModel):
    name: str | None
    masked: str | None = Field(description="the number as events, exports and Kafka hold it")
    phone: str | None = Field(description="the full number, for a tel: link; null: see problem")
    problem: Literal["purged", "unreadable", "masked", "unknown"] | None = Field(
        description="why the full number is not shown: purged (retention), unreadable (another "
        "LIFTRESCUE_PII_KEY), masked (recorded masked before issue 14), unknown")


class TicketContacts(BaseModel):
    caller: Contact | None
    responder: Contact | None
    station_lead: Contact | None
    station_workers: list[Contact]
    unit_emergency_lead: Contact | None
    safety_manager: Contact | None


@router.get("/{ticket_id}/contacts", dependencies=[Depends(require(*FIELD_WORK))], responses={
    403: {"description": "Auditors never see full numbers"},
    404: {"description": "No such ticket (or another unit's)"}})
def get_contacts(ticket_id: UUID, tickets: TicketsDep, registry: RegistryDep,
                 services: ServicesDep, principal: Reader) -> TicketContacts:
    """Caller, responder, station lead and workers, unit emergency lead and safety manager with
    full numbers (registry contacts as the registry holds them now). Never logged, exported or
    sent to Kafka."""
    ticket = tickets.ticket(ticket_id, unit_id=unit_scope(principal))
    return TicketContacts(**ticket_contacts(ticket, registry, services.personal_data))
