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
from dispatch.commands import (
    ArriveOnSite, AssignResponder, CancelTicket, CloseTicket, CorrectTime, Escalate,
    FileFaultReport, NotifyStation, ReleasePassengers,
)
from dispatch.tickets import Outcome

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


def _answer(outcome: Outcome, response: Response) -> CommandResult:
    response.headers["ETag"] = f'"{outcome.ticket.version}"'
    return command_result(outcome)


@router.post("/{ticket_id}/notify", responses=REFUSALS, dependencies=OPS)
def notify(ticket_id: UUID, body: NotifyBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Record that a rescue station (or the unit's emergency lead) was notified."""
    station = {"id": body.station_id} if body.station_id else None
    return _answer(tickets.notify_station(NotifyStation(
        ticket_id=ticket_id, at=body.at, station=station, level=body.level,
        channel=body.channel), ctx), response)


@router.post("/{ticket_id}/escalate", responses=REFUSALS, dependencies=OPS)
def escalate(ticket_id: UUID, body: EscalateBody, tickets: TicketsDep, ctx: ContextDep,
             response: Response) -> CommandResult:
    """Raise the ticket to the next dispatch level."""
    return _answer(tickets.escalate(Escalate(ticket_id=ticket_id, at=body.at,
                                             reason=body.reason), ctx), response)


@router.post("/{ticket_id}/assign", responses=REFUSALS, dependencies=FIELD)
def assign(ticket_id: UUID, body: AssignBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Record the responder who accepted the rescue."""
    return _answer(tickets.assign_responder(AssignResponder(
        ticket_id=ticket_id, at=body.at, responder=body.responder.model_dump()), ctx), response)


@router.post("/{ticket_id}/arrive", responses=REFUSALS, dependencies=FIELD)
def arrive(ticket_id: UUID, body: AtBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Record the rescuer's arrival on site (the 30-minute clock stops here)."""
    return _answer(tickets.arrive_on_site(ArriveOnSite(ticket_id=ticket_id, at=body.at), ctx),
                   response)


@router.post("/{ticket_id}/release", responses=REFUSALS, dependencies=FIELD)
def release(ticket_id: UUID, body: ReleaseBody, tickets: TicketsDep, ctx: ContextDep,
            response: Response) -> CommandResult:
    """Record that the trapped passengers are out."""
    return _answer(tickets.release_passengers(ReleasePassengers(
        ticket_id=ticket_id, at=body.at, released_count=body.released_count,
        released_by=body.released_by), ctx), response)


@router.post("/{ticket_id}/cancel", responses=REFUSALS, dependencies=OPS)
def cancel(ticket_id: UUID, body: CancelBody, tickets: TicketsDep, ctx: ContextDep,
           response: Response) -> CommandResult:
    """Cancel a false or duplicate alarm."""
    return _answer(tickets.cancel_ticket(CancelTicket(
        ticket_id=ticket_id, at=body.at, reason=body.reason, note=body.note), ctx), response)


@router.post("/{ticket_id}/fault-report", responses=REFUSALS, dependencies=FIELD)
def fault_report(ticket_id: UUID, body: FaultReportBody, tickets: TicketsDep, ctx: ContextDep,
                 response: Response) -> CommandResult:
    """File the fault analysis report (cause codes from the reference table)."""
    return _answer(tickets.file_fault_report(FileFaultReport(
        ticket_id=ticket_id, at=body.at, cause_root=body.cause.root, cause_sub=body.cause.sub,
        description=body.description), ctx), response)


@router.post("/{ticket_id}/close", responses=REFUSALS, dependencies=OPS)
def close(ticket_id: UUID, body: AtBody, tickets: TicketsDep, ctx: ContextDep,
          response: Response) -> CommandResult:
    """Close a released ticket."""
    return _answer(tickets.close_ticket(CloseTicket(ticket_id=ticket_id, at=body.at), ctx),
                   response)


@router.post("/{ticket_id}/corrections", responses=REFUSALS, dependencies=OPS)
def correct_time(ticket_id: UUID, body: CorrectionBody, tickets: TicketsDep, ctx: ContextDep,
                 response: Response) -> CommandResult:
    """Correct a node's business time with a reason (history is kept, not edited)."""
    return _answer(tickets.correct_time(CorrectTime(
        ticket_id=ticket_id, at=body.at, node=body.node, new=body.new, reason=body.reason),
        ctx), response)


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
