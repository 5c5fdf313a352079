"""POST /v1/alarms: every alarm becomes (or finds) a ticket; never refused for business reasons."""

from fastapi import APIRouter, Depends, Response, status

from adapters.http.auth import OPERATORS, require
from adapters.http.deps import ContextDep, TicketsDep
from adapters.http.presenters import command_result
from adapters.http.schemas import AlarmCreate, CommandResult
from adapters.metrics import alarm_received
from dispatch.commands import ReceiveAlarm

router = APIRouter(prefix="/v1/alarms", tags=["tickets"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommandResult,
             dependencies=[Depends(require(*OPERATORS))],
             responses={200: {"model": CommandResult,
                              "description": "Same source + source_ref: the existing ticket; "
                              "or another source's alarm for a lift whose ticket is open "
                              "(within the link window): that ticket, `linked: true`"}})
def receive_alarm(body: AlarmCreate, tickets: TicketsDep, ctx: ContextDep,
                  response: Response) -> CommandResult:
    """Open a ticket for an alarm, or link it to the lift's open ticket (unknown lifts are
    accepted and routed to operators)."""
    caller = body.caller.model_dump() if body.caller else None
    outcome = tickets.receive_alarm(ReceiveAlarm(
        lift=body.lift, source=body.source, source_ref=body.source_ref,
        received_at=body.received_at, trapped_count=body.trapped_count, caller=caller,
        dispatch=body.dispatch, note=body.note), ctx)
    alarm_received("http", outcome)
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    response.headers["ETag"] = f'"{outcome.ticket.version}"'
    response.headers["Location"] = f"/v1/tickets/{outcome.ticket.id}"
    return command_result(outcome)
