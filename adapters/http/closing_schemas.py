"""Bodies that close the loop (city standard): release with a rescue method, callback
confirmation (回访确认), close with the reason when no callback was confirmed."""

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from adapters.http.schemas import At, Body, Count, Text
from adapters.reference import rescue_methods

RESCUE_METHODS = rescue_methods()


def _rescue_method(value: str) -> str:
    """A code of the rescue method table, named with the codes when it is not one."""
    if value not in RESCUE_METHODS:
        codes = ", ".join(f"{code} {name}" for code, name in RESCUE_METHODS.items())
        raise PydanticCustomError(
            "rescue_method", "不是救援方法代码，可选：{codes} (not a rescue method code: {numbers})",
            {"codes": codes, "numbers": ", ".join(RESCUE_METHODS)})
    return value


RescueMethod = Annotated[str, AfterValidator(_rescue_method),
                         WithJsonSchema({"type": "string", "enum": list(RESCUE_METHODS)})]


class ReleaseBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"released_count": 2, "released_by": "rescuer", "rescue_method": "1",
         "at": "2026-11-22T08:40:00+08:00"}]})
    released_count: Count
    released_by: Literal["rescuer", "property", "fire", "self"]
    rescue_method: RescueMethod | None = Field(
        None, description="救援方法 code (reference/rescue_methods.json); 9 needs rescue_note")
    rescue_note: Text | None = None
    at: At = None


class CallbackBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"confirmed_by": "trapped_person", "note": "乘客确认已安全离开",
         "at": "2026-11-22T09:00:00+08:00"}]})
    confirmed_by: Literal["trapped_person", "using_unit"]
    note: Text | None = None
    at: At = None


class CloseBody(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"at": "2026-11-22T09:05:00+08:00"},
        {"without_callback_reason": "乘客电话无人接听", "at": "2026-11-22T09:05:00+08:00"}]})
    without_callback_reason: Text | None = Field(
        None, description="required when no callback (回访确认) was recorded")
    at: At = None
