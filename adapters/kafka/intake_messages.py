"""Schema of `lift.alarms.v1` messages: the HTTP bodies plus kind, source, source_ref (and `at`)."""

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, TypeAdapter, ValidationError

from adapters.http.closing_schemas import CallbackBody, CloseBody, ReleaseBody
from adapters.http.schemas import (
    AlarmCreate, AssignBody, AtBody, CancelBody, EscalateBody, FaultReportBody, NotifyBody,
)
from dispatch.commands import (
    ArriveOnSite, AssignResponder, CancelTicket, CloseTicket, ConfirmCallback, Escalate,
    FileFaultReport, NotifyStation, ReceiveAlarm, ReleasePassengers, TicketCommand,
)

SourceRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Source = Literal["96333", "iot", "app", "phone"]


class AlarmMessage(AlarmCreate):
    kind: Literal["alarm"]

    def command(self) -> ReceiveAlarm:
        return ReceiveAlarm(
            lift=self.lift, source=self.source, source_ref=self.source_ref,
            received_at=self.received_at, trapped_count=self.trapped_count,
            caller=self.caller.model_dump() if self.caller else None, dispatch=self.dispatch,
            note=self.note)


class _Node(BaseModel):
    """Node updates address the ticket by its alarm's (source, source_ref); `at` is required
    so a redelivered message carries the same business time."""

    source: Source
    source_ref: SourceRef
    at: AwareDatetime

    def command(self, ticket_id: UUID) -> TicketCommand:
        raise NotImplementedError


class NotifyMessage(_Node, NotifyBody):
    kind: Literal["notify"]

    def command(self, ticket_id: UUID) -> NotifyStation:
        station = {"id": self.station_id} if self.station_id else None
        return NotifyStation(ticket_id=ticket_id, at=self.at, station=station, level=self.level,
                             channel=self.channel)


class AssignMessage(_Node, AssignBody):
    kind: Literal["assign"]

    def command(self, ticket_id: UUID) -> AssignResponder:
        return AssignResponder(ticket_id=ticket_id, at=self.at,
                               responder=self.responder.model_dump())


class ArriveMessage(_Node, AtBody):
    kind: Literal["arrive"]

    def command(self, ticket_id: UUID) -> ArriveOnSite:
        return ArriveOnSite(ticket_id=ticket_id, at=self.at)


class ReleaseMessage(_Node, ReleaseBody):
    kind: Literal["release"]

    def command(self, ticket_id: UUID) -> ReleasePassengers:
        return ReleasePassengers(ticket_id=ticket_id, at=self.at,
                                 released_count=self.released_count,
                                 released_by=self.released_by,
                                 rescue_method=self.rescue_method, rescue_note=self.rescue_note)


class CancelMessage(_Node, CancelBody):
    kind: Literal["cancel"]

    def command(self, ticket_id: UUID) -> CancelTicket:
        return CancelTicket(ticket_id=ticket_id, at=self.at, reason=self.reason, note=self.note)


class EscalateMessage(_Node, EscalateBody):
    kind: Literal["escalate"]

    def command(self, ticket_id: UUID) -> Escalate:
        return Escalate(ticket_id=ticket_id, at=self.at, reason=self.reason)


class FaultReportMessage(_Node, FaultReportBody):
    kind: Literal["fault_report"]

    def command(self, ticket_id: UUID) -> FileFaultReport:
        return FileFaultReport(ticket_id=ticket_id, at=self.at, cause_root=self.cause.root,
                               cause_sub=self.cause.sub, description=self.description)


class CallbackMessage(_Node, CallbackBody):
    kind: Literal["callback"]

    def command(self, ticket_id: UUID) -> ConfirmCallback:
        return ConfirmCallback(ticket_id=ticket_id, at=self.at, confirmed_by=self.confirmed_by,
                               note=self.note)


class CloseMessage(_Node, CloseBody):
    kind: Literal["close"]

    def command(self, ticket_id: UUID) -> CloseTicket:
        return CloseTicket(ticket_id=ticket_id, at=self.at,
                           without_callback_reason=self.without_callback_reason)


IntakeMessage = Annotated[
    AlarmMessage | NotifyMessage | AssignMessage | ArriveMessage | ReleaseMessage
    | CancelMessage | EscalateMessage | FaultReportMessage | CallbackMessage | CloseMessage,
    Field(discriminator="kind")]
INTAKE_MESSAGE: TypeAdapter[Any] = TypeAdapter(IntakeMessage)


def parse(value: bytes | None) -> Any:
    """The validated message, or the reason it is malformed (a string)."""
    try:
        return INTAKE_MESSAGE.validate_json(value or b"")
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)[:5]
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
