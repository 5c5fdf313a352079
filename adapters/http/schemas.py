"""Request and response bodies of the ticket API (XCreate / XPublic), with examples."""

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from domain.values import mask_mobiles_in

# [0-9], never \d: \d also matches other scripts' digits ('١٢٣'), which no registry holds.
Mobile = Annotated[str, StringConstraints(pattern=r"^1[3-9][0-9]{9}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9\- ]{4,19}$")]
LIFT_CODE = re.compile(r"^([0-9]{20}|[0-9]{6})$")


def _lift_code(value: str) -> str:
    """A lift code in words when it is wrong (a regex means nothing to a call-taker)."""
    if not LIFT_CODE.fullmatch(value):
        raise PydanticCustomError("lift_code", "expected a 20-digit registration code or a "
                                  "6-digit rescue code (digits 0-9 only)")
    return value


LiftCode = Annotated[str, AfterValidator(_lift_code),
                     WithJsonSchema({"type": "string", "pattern": LIFT_CODE.pattern})]
CauseCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}$")]
# Strict: JSON true/false or 2.0 are not counts (lax mode would read true as 1).
Count = Annotated[int, Field(ge=0, le=100, strict=True)]
Level = Annotated[int, Field(ge=1, le=3, strict=True)]
# Free text (notes, reasons, descriptions) lands in immutable events: a mobile typed into it is
# masked on the way in, as full numbers live only in the personal-data store.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
                 AfterValidator(mask_mobiles_in)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
At = Annotated[AwareDatetime | None, Field(None, description="Business time; omitted = now")]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Body(BaseModel):
    # Unknown fields are refused: a misspelt "at" must not silently become "now".
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def no_nul_characters(cls, data: Any) -> Any:
        """PostgreSQL text cannot hold NUL; refuse it here, naming the field."""
        if isinstance(data, dict):
            bad = [k for k, v in data.items() if _has_nul(v)]
            if bad:
                raise ValidationError.from_exception_data(cls.__name__, [InitErrorDetails(
                    type=PydanticCustomError("nul", "text must not contain NUL characters"),
                    loc=(name,), input=data[name]) for name in bad])
        return data

    def command_fields(self) -> dict[str, Any]:
        """The ticket command's fields: by default the body's own, by the same names."""
        return self.model_dump()


class Caller(Body):
    # Omit what is unknown; an explicit null inside the caller object means nothing: refused.
    name: Name = Field(None, description="omit when unknown (null is refused)")
    phone: Phone = Field(None, description="omit when unknown (null is refused)")


class AlarmCreate(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "lift": "44030000000000012345", "source": "96333", "source_ref": "CC-20261122-0042",
        "received_at": "2026-11-22T08:15:00+08:00", "trapped_count": 2,
        "caller": {"name": "Li", "phone": "13812345678"}, "dispatch": "auto"}]})

    lift: LiftCode = Field(description="20-digit registration code or 6-digit rescue code")
    source: Literal["96333", "iot", "app", "phone"]
    source_ref: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    received_at: At = None
    trapped_count: Count | None = None
    caller: Caller | None = None
    dispatch: Literal["auto", "external"] = "auto"
    note: Text | None = None


class NotifyBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"station_id": "b7e1c3d2-0000-4000-8000-000000000001", "at": "2026-11-22T08:16:00+08:00"}]})
    station_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    level: Level | None = None
    channel: Literal["sms", "phone", "platform", "external"] = "platform"
    at: At = None

    def command_fields(self) -> dict[str, Any]:
        station = {"id": self.station_id} if self.station_id else None
        return {"station": station, "level": self.level, "channel": self.channel, "at": self.at}


class Responder(Body):
    name: Name
    mobile: Mobile
    worker_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        None, description="omit when unknown (null is refused)")


class AssignBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"responder": {"name": "王师傅", "mobile": "13912345678"}, "at": "2026-11-22T08:18:00+08:00"}]})
    responder: Responder
    at: At = None


class AtBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"at": "2026-11-22T08:31:00+08:00"}]})
    at: At = None


class CancelBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "false_alarm", "note": "child pressed the alarm button"}]})
    reason: Literal["false_alarm", "duplicate", "other"]
    note: Text | None = None
    at: At = None


class Cause(Body):
    root: CauseCode
    sub: CauseCode


class FaultReportBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"cause": {"root": "3", "sub": "302"}, "description": "层门门锁触点氧化"}]})
    cause: Cause
    description: Text
    at: At = None

    def command_fields(self) -> dict[str, Any]:
        return {"cause_root": self.cause.root, "cause_sub": self.cause.sub,
                "description": self.description, "at": self.at}


class EscalateBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "一级救援站 15 分钟未响应", "at": "2026-11-22T08:31:00+08:00"}]})
    reason: Text
    at: At = None


class CorrectionBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"node": "arrived", "new": "2026-11-22T08:29:00+08:00", "reason": "rescuer logged late"}]})
    node: Literal["received", "notified", "assigned", "arrived", "released", "closed"]
    new: AwareDatetime
    reason: Text
    at: At = None


class CommandResult(BaseModel):
    ticket_id: UUID
    ticket_no: str
    version: int
    status: str
    notification_id: int | None = Field(description="Pass as ?after= to read your own write")
    linked: bool = Field(False, description="The alarm joined the lift's open ticket "
                         "(another source, within the link window) instead of opening one")


class NodeTimes(BaseModel):
    received_at: datetime
    notified_at: datetime | None = None
    assigned_at: datetime | None = None
    arrived_at: datetime | None = None
    released_at: datetime | None = None
    closed_at: datetime | None = None


class TicketPublic(BaseModel):
    id: UUID
    ticket_no: str
    status: str
    version: int
    source: str
    source_ref: str
    lift_code: str
    lift: dict[str, Any] | None
    lift_known: bool
    trapped_count: int | None
    caller: dict[str, Any] | None
    dispatch: str
    note: str | None
    level: int
    station: dict[str, Any] | None
    responder: dict[str, Any] | None
    times: NodeTimes
    minutes_to_arrive: float | None
    released_count: int | None
    released_by: str | None
    cancelled: dict[str, Any] | None
    fault_report: dict[str, Any] | None
    linked_alarms: list[dict[str, Any]]
    rescue_method: dict[str, Any] | None = Field(None, description="{code, note} or null")
    callback: dict[str, Any] | None = Field(None, description="回访确认 {confirmed_by, note, at}")


class EventPublic(BaseModel):
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    correlation_id: str
    data: dict[str, Any]
