"""The v1 public shape of every ticket event: an explicit allow-list per event type (pure).

Kafka (`lift.ticket-events.v1`), `/v1/tickets/{id}/events`, the dossier and exports all map
stored events through here, so a library field (`originator_topic`...) or a new stored attribute
never reaches a reader until it is named below. Phone numbers are masked again on the way out.
"""

from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    WithJsonSchema,
    create_model,
)

from domain.values import mask_mobile, mask_mobiles_in, mask_name

SCHEMA_VERSION = "1"
SCHEMA_ID = "urn:liftrescue:schema:lift.ticket-event.v1"

# isoformat (not pydantic's "Z"): the wire format v1 consumers already parse.
Time = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
                 WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization")]
MASKED = r"^(\**|.{3}\*+.{4})$"
MaskedPhone = Annotated[str | None, AfterValidator(mask_mobile),
                        WithJsonSchema({"anyOf": [{"type": "string", "pattern": MASKED},
                                                  {"type": "null"}]}, mode="serialization")]
Text = str | None
# A caller's name (a member of the public): masked again on the way out, so an event stored
# before names were sealed (issue 14) never publishes one whole.
MaskedName = Annotated[str | None, AfterValidator(mask_name)]
# Free text (notes, reasons): a mobile typed into one is masked (events stored before issue 14).
Note = Annotated[str | None, AfterValidator(mask_mobiles_in)]
Words = Annotated[str, AfterValidator(mask_mobiles_in)]


class Public(BaseModel):
    """Only declared fields are read from a stored event or dict; every one is always written."""

    # Errors never echo a stored value (a phone) into a log.
    model_config = ConfigDict(extra="ignore", frozen=True, from_attributes=True,
                              hide_input_in_errors=True,
                              json_schema_serialization_defaults_required=True,
                              json_schema_extra={"additionalProperties": False})


class LiftSnapshot(Public):
    """The registry's facts about the lift when the alarm came in."""

    registration_code: Text = None
    rescue_code: Text = None
    unit_id: Text = None
    unit_name: Text = None
    station_id: Text = None
    station_name: Text = None
    district: Text = None
    street: Text = None
    site_type: Text = None
    using_unit_code: Text = None
    using_unit_name: Text = None
    address: Text = None


class Caller(Public):
    name: MaskedName = None
    phone: MaskedPhone = None


class Responder(Public):
    name: Text = None
    mobile: MaskedPhone = None
    worker_id: Text = None


class StationRef(Public):
    """Whom a notification went to: a station, the unit's lead or the operator desk."""

    id: Text = None
    name: Text = None
    unit_id: Text = None
    kind: Text = None
    reason: Text = None


class EventData(Public):
    """`actor` is in Kafka's `data` (v1 wire format); HTTP carries it beside `data`."""

    actor: str


class AlarmReceived(EventData):
    source: str
    source_ref: str
    ticket_no: str
    lift_code: str
    lift: LiftSnapshot | None
    trapped_count: int | None
    caller: Caller | None
    dispatch: str
    note: Note


class StationNotified(EventData):
    station: StationRef | None
    level: int
    channel: str
    side: Literal["maintenance", "operators"] | None = None


class Escalated(EventData):
    from_level: int
    to_level: int
    reason: Words


class ResponderAssigned(EventData):
    responder: Responder


class ProofDetail(Public):
    """What backs an arrival: the scanned code, or the phone's distance and accuracy (never its
    coordinates); keys a unit system adds beyond these are not published."""

    source: Text = None
    code: Text = None
    scanned_at: Text = None
    accuracy_m: float | None = None
    distance_m: float | None = None
    why: Text = None


class ArrivedOnSite(EventData):
    # Additive (issue 17): how the arrival was established; events stored before: reported.
    proof: Literal["qr_scan", "gps", "reported"] = "reported"
    proof_detail: ProofDetail | None = None


class PassengersReleased(EventData):
    released_count: int
    released_by: Literal["rescuer", "property", "fire", "self"]
    rescue_method: Text = Field(None, description="救援方法 code (null: recorded before v2)")
    rescue_note: Note = None


class CallbackConfirmed(EventData):
    confirmed_by: Literal["trapped_person", "using_unit"]
    note: Note


class Cancelled(EventData):
    reason: Literal["false_alarm", "duplicate", "other"]
    note: Note


class FaultReportFiled(EventData):
    cause_root: str
    cause_sub: str
    description: Words


class Closed(EventData):
    without_callback_reason: Note = Field(None, description="why no callback was confirmed")


class TimeCorrected(EventData):
    node: Literal["received", "notified", "assigned", "arrived", "released", "closed"]
    old: Time
    new: Time
    reason: Words


class AlarmLinked(EventData):
    source: str
    source_ref: str


# Stored event class name → its public data. A stored type missing here fails loudly.
DATA: dict[str, type[EventData]] = {model.__name__: model for model in (
    AlarmReceived, StationNotified, Escalated, ResponderAssigned, ArrivedOnSite,
    PassengersReleased, CallbackConfirmed, Cancelled, FaultReportFiled, Closed, TimeCorrected,
    AlarmLinked)}


class PublicEvent(Public):
    """One ticket event as published (the `lift.ticket-events.v1` value)."""

    model_config = ConfigDict(populate_by_name=True)

    schema_version: Literal["1"] = Field(SCHEMA_VERSION, alias="schema")
    event_id: str = Field(description="ticket_id:version, unique per event (= header ce_id)")
    ticket_id: str
    version: int = Field(ge=1)
    type: str
    occurred_at: Time = Field(description="business time")
    recorded_at: Time = Field(description="when the store recorded the event")
    unit_id: Text = Field(description="maintenance unit of the alarm's lift (null: unknown lift)")
    data: EventData


# One envelope per type, so the schema ties each `type` to its `data`.
MESSAGES: dict[str, type[PublicEvent]] = {
    name: create_model(f"{name}Event", __base__=PublicEvent,
                       type=(Literal[name], ...), data=(model, ...))  # type: ignore[call-overload]
    for name, model in DATA.items()}


class UnknownEventType(LookupError):
    """A stored event type without a public v1 shape: name it here before publishing it."""


def _data_model(event: Any) -> type[EventData]:
    name = type(event).__name__
    try:
        return DATA[name]
    except KeyError:
        raise UnknownEventType(f"no public v1 shape for stored event type {name}") from None


def public_data(event: Any) -> dict[str, Any]:
    """The allow-listed data of one stored event (Python values, no actor)."""
    return _data_model(event).model_validate(event).model_dump(exclude={"actor"})


def public_event(event: Any, unit_id: str | None) -> PublicEvent:
    """The v1 public event for one stored ticket event."""
    data = _data_model(event).model_validate(event)
    name, ticket_id = type(event).__name__, str(event.originator_id)
    return MESSAGES[name](
        event_id=f"{ticket_id}:{event.originator_version}", ticket_id=ticket_id,
        version=event.originator_version, type=name,
        occurred_at=getattr(event, "occurred_at", event.timestamp), recorded_at=event.timestamp,
        unit_id=unit_id, data=data)


def json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of the published value, one branch per event type."""
    union = Annotated[Union[tuple(MESSAGES.values())], Field(discriminator="type")]  # noqa: UP007
    schema = TypeAdapter(union).json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "lift.ticket-events.v1 value",
            "description": "One ticket event, public schema v1 (docs/KAFKA.md).", **schema}
