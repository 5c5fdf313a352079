"""The `lift.upstream.v1` value (数据归集): one ticket record or one lift basic-info record.

Field names are the keys of reference/data_elements.json (`record`, `lift`); a unit test keeps
them equal, so a province's official list replaces this module and projections/upstream.py only.
No personal datum has a field here: no caller, no responder, no phone number.
"""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from domain.values import mask_mobiles_in
from projections.public_events import Time

SCHEMA_VERSION = "1"
SCHEMA_ID = "urn:liftrescue:schema:lift.upstream.v1"
Overtime = Literal["late", "never_arrived", "none"]
# Typed by a rescuer or an operator: a mobile number in it is masked before it leaves the city.
FreeText = Annotated[str | None, AfterValidator(mask_mobiles_in)]


class Record(BaseModel):
    """Every field is always written (null when unknown); nothing else is accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: Literal["1"] = Field(SCHEMA_VERSION, alias="schema")
    city_code: str = Field(pattern=r"^\d{6}$", description="城市（行政区划代码）")
    record_id: str = Field(description="工单编号 (ticket) / 电梯注册代码 (lift)")
    record_version: int = Field(ge=1, description="记录版本（更正后递增）")


# Elements the data-element table marks required (reference/data_elements.json, "record").
REQUIRED_TICKET = ("city_code", "record_id", "record_version", "registration_code", "district",
                   "maintenance_unit_name", "alarm_source", "received_at", "false_alarm",
                   "overtime")


class TicketRecord(Record):
    """One entrapment ticket after it finished (closed or cancelled), or after a later fix.

    An alarm is never refused for an unknown lift, so its ticket is sent too: with the code as
    the alarm gave it, and `missing_elements` naming each required element it cannot fill
    (a registration code that is not the 20-digit one, no district, no maintenance unit)."""

    record_type: Literal["ticket"] = "ticket"
    registration_code: str
    missing_elements: list[str] = Field(
        default_factory=list, description="必填数据元缺失（未登记电梯等）: required elements "
        "this record cannot fill; empty when complete")
    rescue_code: str | None
    district: str | None
    site_type: str | None
    using_unit_name: str | None
    maintenance_unit_code: str | None
    maintenance_unit_name: str | None
    alarm_source: str
    trapped_at: Time | None
    received_at: Time
    dispatched_at: Time | None
    response_level: int | None
    responded_at: Time | None
    arrived_at: Time | None
    released_at: Time | None
    closed_at: Time | None
    callback_confirmed_at: Time | None
    false_alarm: bool
    trapped_count: int | None
    released_count: int | None
    released_by: str | None
    rescue_method: str | None
    rescuing_unit: str | None
    cause_category: str | None
    cause_code: str | None
    cause_note: FreeText
    minutes_to_respond: float | None
    minutes_to_arrive: float | None
    overtime: Overtime


class LiftRecord(Record):
    """A lift's basic information, sent again whenever it changes."""

    record_type: Literal["lift"] = "lift"
    registration_code: str
    rescue_code: str | None
    address: str
    district: str
    site_type: str | None
    using_unit_code: str | None
    using_unit_name: str | None
    maintenance_unit_name: str | None
    station_name: str | None
    in_service: bool


UpstreamRecord = Annotated[TicketRecord | LiftRecord, Field(discriminator="record_type")]
UPSTREAM = TypeAdapter(UpstreamRecord)
HEADERS = ("record_type", "record_id", "record_version", "city_code", "event_id")


def header_schema() -> dict:
    """The headers every upstream message carries (name → UTF-8 value)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_ID}.headers", "title": "lift.upstream.v1 headers",
            "type": "object", "required": list(HEADERS), "additionalProperties": False,
            "properties": {name: {"type": "string"} for name in HEADERS}}


def value_schema() -> dict:
    """The JSON Schema of the value (one branch per record_type)."""
    schema = UPSTREAM.json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "lift.upstream.v1", **schema}


def missing_elements(record: dict) -> list[str]:
    """The required elements a ticket record leaves empty, or fills with what is not theirs (a
    registration code that is not 20 digits)."""
    missing = [name for name in REQUIRED_TICKET if record.get(name) in (None, "")]
    code = record.get("registration_code") or ""
    if code and not (len(code) == 20 and code.isdigit()):
        missing.append("registration_code")
    return missing
