"""Ticket commands (one route per node) and the ticket's state and history."""

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from adapters.http.auth import FIELD_WORK, OPERATORS, Reader, require, unit_scope
from adapters.http.closing_schemas import CallbackBody, CloseBody, ReleaseBody
from adapters.http.deps import ContextDep, TicketsDep
from adapters.http.presenters import command_result, event_public, ticket_public
from adapters.http.schemas import (
    AssignBody, AtBody, Body, CancelBody, CommandResult, CorrectionBody, EscalateBody,
    EventPublic, FaultReportBody, NotifyBody, TicketPublic,
)
from dispatch.commands import (
    ArriveOnSite, AssignResponder, CancelTicket, CloseTicket, ConfirmCallback, CorrectTime,
    Escalate, FileFaultReport, NotifyStation, ReleasePassengers, TicketCommand,
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


# One route per node: path (and route name), body, who may run it, the command, what it records.
NODES: list[tuple[str, type[Body], list[Any], type[TicketCommand], str]] = [
    ("notify", NotifyBody, OPS, NotifyStation,
     "Record that a rescue station (or the unit's emergency lead) was notified."),
    ("escalate", EscalateBody, OPS, Escalate, "Raise the ticket to the next dispatch level."),
    ("assign", AssignBody, FIELD, AssignResponder, "Record the responder who accepted the rescue."),
    ("arrive", AtBody, FIELD, ArriveOnSite,
     "Record the rescuer's arrival on site (the 30-minute clock stops here)."),
    ("release", ReleaseBody, FIELD, ReleasePassengers, "Record that the trapped passengers are out."),
    ("cancel", CancelBody, OPS, CancelTicket, "Cancel a false or duplicate alarm."),
    ("fault-report", FaultReportBody, FIELD, FileFaultReport,
     "File the fault analysis report (cause codes from the reference table)."),
    ("callback", CallbackBody, OPS, ConfirmCallback,
     "Record the callback confirmation (回访确认) by the trapped person or the using unit."),
    ("close", CloseBody, OPS, CloseTicket,
     "Close a released ticket: after a callback confirmation, or give without_callback_reason."),
    ("corrections", CorrectionBody, OPS, CorrectTime,
     "Correct a node's business time with a reason (history is kept, not edited)."),
]
# Route names (and so OpenAPI operation ids) where they differ from the path.
ROUTE_NAMES = {"fault-report": "fault_report", "corrections": "correct_time",
               "callback": "confirm_callback"}


def _node_route(body_model: type[Body], command: type[TicketCommand],
                doc: str) -> Callable[..., CommandResult]:
    def run(ticket_id: UUID, body: body_model, tickets: TicketsDep,  # type: ignore[valid-type]
            ctx: ContextDep, response: Response) -> CommandResult:
        cmd = command(ticket_id=ticket_id, **body.command_fields())
        return _answer(tickets.handle(cmd, ctx), response)

    run.__doc__ = doc
    return run


for _path, _body, _roles, _command, _doc in NODES:
    router.add_api_route(f"/{{ticket_id}}/{_path}", _node_route(_body, _command, _doc),
                         methods=["POST"], responses=REFUSALS, dependencies=_roles,
                         name=ROUTE_NAMES.get(_path, _path))


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
