"""Ticket commands (one route per node) and the ticket's state and history."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from adapters.http.auth import FIELD_WORK, OPERATORS, Reader, require, unit_scope
from adapters.http.deps import ContextDep, TicketsDep
from adapters.http.presenters import command_result, event_public, ticket_public
from adapters.http.schemas import (
    AssignBody, AtBody, CancelBody, CommandResult, CorrectionBody, EscalateBody, EventPublic,
    FaultReportBody, NotifyBody, ReleaseBody, TicketPublic,
)
from dispatch.commands import Context, TicketStep
from dispatch.tickets import TicketApp

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token"},
    403: {"description": "This role may not run the command"},
    404: {"description": "No such ticket"},
    409: {"description": "Out-of-order node or finished ticket (problem body names the rule)"},
    412: {"description": "If-Match names a stale version"},
    422: {"description": "Malformed body (problem body names the field)"},
}
OPS = [Depends(require(*OPERATORS))]
FIELD = [Depends(require(*FIELD_WORK))]


def _run(tickets: TicketApp, ctx: Context, response: Response, ticket_id: UUID, kind: str,
         body: Any, **data: Any) -> CommandResult:
    outcome = tickets.step(TicketStep(ticket_id, kind, body.at, data), ctx)
    response.headers["ETag"] = f'"{outcome.ticket.version}"'
    return command_result(outcome)


@router.post("/{ticket_id}/notify", responses=REFUSALS, dependencies=OPS)
def notify(ticket_id: UUID, body: NotifyBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Record that a rescue station (or the unit's emergency lead) was notified."""
    station = {"id": body.station_id} if body.station_id else None
    return _run(tickets, ctx, response, ticket_id, "notify", body, station=station,
                level=body.level, channel=body.channel)


@router.post("/{ticket_id}/escalate", responses=REFUSALS, dependencies=OPS)
def escalate(ticket_id: UUID, body: EscalateBody, tickets: TicketsDep, ctx: ContextDep,
             response: Response) -> CommandResult:
    """Raise the ticket to the next dispatch level."""
    return _run(tickets, ctx, response, ticket_id, "escalate", body, reason=body.reason)


@router.post("/{ticket_id}/assign", responses=REFUSALS, dependencies=FIELD)
def assign(ticket_id: UUID, body: AssignBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Record the responder who accepted the rescue."""
    return _run(tickets, ctx, response, ticket_id, "assign", body,
                responder=body.responder.model_dump())


@router.post("/{ticket_id}/arrive", responses=REFUSALS, dependencies=FIELD)
def arrive(ticket_id: UUID, body: AtBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Record the rescuer's arrival on site (the 30-minute clock stops here)."""
    return _run(tickets, ctx, response, ticket_id, "arrive", body)


@router.post("/{ticket_id}/release", responses=REFUSALS, dependencies=FIELD)
def release(ticket_id: UUID, body: ReleaseBody, tickets: TicketsDep, ctx: ContextDep,
            response: Response) -> CommandResult:
    """Record that the trapped passengers are out."""
    return _run(tickets, ctx, response, ticket_id, "release", body,
                released_count=body.released_count, released_by=body.released_by)


@router.post("/{ticket_id}/cancel", responses=REFUSALS, dependencies=OPS)
def cancel(ticket_id: UUID, body: CancelBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Cancel a false or duplicate alarm."""
    return _run(tickets, ctx, response, ticket_id, "cancel", body, reason=body.reason,
                note=body.note)


@router.post("/{ticket_id}/fault-report", responses=REFUSALS, dependencies=FIELD)
def fault_report(ticket_id: UUID, body: FaultReportBody, tickets: TicketsDep, ctx: ContextDep,
                 response: Response) -> CommandResult:
    """File the fault analysis report (cause codes from the reference table)."""
    return _run(tickets, ctx, response, ticket_id, "file_fault_report", body,
                cause_root=body.cause.root, cause_sub=body.cause.sub,
                description=body.description)


@router.post("/{ticket_id}/close", responses=REFUSALS, dependencies=OPS)
def close(ticket_id: UUID, body: AtBody, tickets: TicketsDep, ctx: ContextDep,
          response: Response) -> CommandResult:
    """Close a released ticket."""
    return _run(tickets, ctx, response, ticket_id, "close", body)


@router.post("/{ticket_id}/corrections", responses=REFUSALS, dependencies=OPS)
def correct_time(ticket_id: UUID, body: CorrectionBody, tickets: TicketsDep, ctx: ContextDep,
                 response: Response) -> CommandResult:
    """Correct a node's business time with a reason (history is kept, not edited)."""
    return _run(tickets, ctx, response, ticket_id, "correct_time", body, node=body.node,
                new=body.new, reason=body.reason)


@router.get("/{ticket_id}", responses={404: {"description": "No such ticket"}})
def get_ticket(ticket_id: UUID, tickets: TicketsDep, response: Response, principal: Reader,
               version: Annotated[int | None, Query(ge=1)] = None,
               as_of: Annotated[AwareDatetime | None, Query()] = None) -> TicketPublic:
    """The ticket now, at a version, or as recorded at an instant (`as_of`)."""
    scope = unit_scope(principal)
    if as_of is not None:
        ticket = tickets.ticket_as_of(ticket_id, as_of, unit_id=scope)
    else:
        ticket = tickets.ticket(ticket_id, version=version, unit_id=scope)
    response.headers["ETag"] = f'"{ticket.version}"'
    return ticket_public(ticket)


@router.get("/{ticket_id}/events", responses={404: {"description": "No such ticket"}})
def get_events(ticket_id: UUID, tickets: TicketsDep, principal: Reader) -> list[EventPublic]:
    """Every event of the ticket with business time, record time and actor."""
    return [event_public(e) for e in tickets.history(ticket_id, unit_id=unit_scope(principal))]
