"""Request bodies of the registry API (formats checked here; districts and site types by the app)."""

from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from adapters.http.schemas import Body, Mobile, Name, Text
from domain.errors import InvalidValue

# [0-9], not \d: \d also matches other scripts' digits (e.g. Arabic-Indic '١٢٣').
RegistrationCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{20}$")]
RescueCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class NoNullFields(Body):
    """A body whose optional fields may be left out but not sent as null (null would mean
    "erase", which these fields cannot be)."""

    never_null: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def no_null_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            bad = [k for k in cls.never_null if k in data and data[k] is None]
            if bad:
                raise ValidationError.from_exception_data(cls.__name__, [InitErrorDetails(
                    type=PydanticCustomError("null", "may not be null: leave the field out to "
                                             "keep its value"),
                    loc=(name,), input=None) for name in bad])
        return data


class Contact(Body):
    name: Name
    mobile: Mobile


class UnitCreate(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "深圳市安达电梯维保有限公司", "emergency_lead": {"name": "陈经理", "mobile": "13800138000"}}]})
    name: Short
    emergency_lead: Contact | None = None


class RescueInfo(NoNullFields):
    """Any of the lead, 统一社会信用代码, address, duty phone (left out: kept); the code and the
    phone are checked by the domain (GB 32100-2015 check character; mobile or landline)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "emergency_lead": {"name": "陈经理", "mobile": "13800138000"},
        "code": "91350100M000100Y43", "address": "南山区科技园 1 号", "duty_phone": "0755-88888888"}]})
    never_null = ("emergency_lead", "code", "address", "duty_phone")
    emergency_lead: Contact | None = None
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=18)] | None = None
    address: Short | None = None
    duty_phone: Annotated[str, StringConstraints(strip_whitespace=True,
                                                 max_length=24)] | None = None


class Coverage(Body):
    districts: Annotated[list[Short], Field(min_length=1, max_length=3)]
    streets: Text | None = None


class StationCreate(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "unit_id": "6f1d…", "name": "南山一站", "district": "南山区",
        "lead": {"name": "刘站长", "mobile": "13900139000"},
        "coverage": {"districts": ["南山区"], "streets": "粤海街道"}}]})
    unit_id: Short
    name: Short
    district: Short
    lead: Contact
    coverage: Coverage


class StationPatch(NoNullFields):
    never_null = ("name", "district", "lead", "coverage")
    name: Short | None = None
    district: Short | None = None
    lead: Contact | None = None
    coverage: Coverage | None = None


class WorkerCreate(Body):
    name: Name
    mobile: Mobile
    note: Text | None = None


class UsingUnit(Body):
    code: Short
    name: Short


class Location(Body):
    """WGS-84 degrees (as GPS reports them), e.g. {"lat": 22.54, "lng": 113.93}."""

    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lng: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class LiftPut(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "unit_id": "6f1d…", "rescue_code": "123456",
        "using_unit": {"code": "91440300MA5XXXXX", "name": "海景花园物业"},
        "address": "南山区海德三道 88 号 2 栋 A 梯", "district": "南山区", "site_type": "住宅小区",
        "safety_manager": {"name": "赵安全", "mobile": "13700137000"},
        "in_use_since": "2015-06-01"}]})
    unit_id: Short
    rescue_code: RescueCode | None = None
    using_unit: UsingUnit
    address: Short
    district: Short
    street: Short | None = None
    site_type: Short | None = None
    safety_manager: Contact | None = None
    location: Location | None = None
    # 使用登记 date: lifts count in statistics from it (not before 1950, not in the future).
    in_use_since: date | None = None
    # The guide's tick box: a change of address is refused without it (and recorded with it).
    address_confirmed: bool = False


class LiftSearch(BaseModel):
    """Lift search filters (query parameters; empty ones are ignored)."""

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    registration_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,20}$")] | None = None
    rescue_code: RescueCode | None = None
    using_unit: Annotated[str, StringConstraints(strip_whitespace=True,
                                                 max_length=200)] | None = None
    using_unit_code: Short | None = None
    station_id: Short | None = None
    district: Short | None = None
    bound: bool | None = None
    in_service: bool | None = None


class ServiceChange(Body):
    """停用 / 恢复使用 from `since`: a date (00:00 that day, platform time) or a date-time."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"since": "2026-11-20"}, {"since": "2026-11-20T08:30:00+08:00"}]})
    since: datetime | date


class ManagerFacts(Body):
    """A safety manager of the register: the mobile may be left out (a data gap until filled)."""

    name: Name
    mobile: Mobile | None = None


class ManagerCreate(ManagerFacts):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"unit_id": "6f1d…", "name": "赵安全", "mobile": "13700137000"}]})
    unit_id: Short


class ManagerAssign(Body):
    """Ticked lifts, or every lift of one using unit (by code, or by its full name)."""

    registration_codes: Annotated[list[RegistrationCode], Field(min_length=1,
                                                                 max_length=5000)] | None = None
    using_unit_code: Short | None = None
    using_unit_name: Short | None = None

    def using_unit_code_in(self, queries: Any, unit_id: str) -> str | None:
        """The using unit named, by code or by its full name (exactly one code, or a 422)."""
        if self.using_unit_code or not self.using_unit_name:
            return self.using_unit_code
        codes = queries.using_unit_codes_named(unit_id, self.using_unit_name)
        if len(codes) != 1:
            raise InvalidValue(
                f"using unit {self.using_unit_name!r} names {len(codes)} using units: give its code",
                zh=f"使用单位“{self.using_unit_name}”对应 {len(codes)} 个单位，请填写代码",
                field="using_unit_name")
        return codes[0]


class LiftSelection(Body):
    registration_codes: Annotated[list[RegistrationCode], Field(min_length=1, max_length=5000)]


class BatchUpdate(NoNullFields):
    never_null = ("site_type", "safety_manager")
    unit_id: Short
    using_unit_code: Short
    registration_codes: Annotated[list[RegistrationCode], Field(min_length=1,
                                                                 max_length=5000)] | None = None
    site_type: Short | None = None
    safety_manager: Contact | None = None
