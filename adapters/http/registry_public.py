"""Answers of the registry API: `XPublic` records built from an aggregate (never the aggregate
itself), `XChanged` = the record plus the notification id of the change, lists from the views."""

from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel


class Created(BaseModel):
    id: str
    version: int
    notification_id: int | None

    @classmethod
    def of(cls, record: Any, notification_id: int | None) -> Self:
        return cls(id=str(record.id), version=record.version, notification_id=notification_id)


def _as_recorded(contact: Any) -> Any:
    return contact


class ContactPublic(BaseModel):
    name: str
    mobile: str | None  # None: a register's safety manager without a mobile (a data gap)


class UnitPublic(BaseModel):
    id: str
    version: int
    name: str
    emergency_lead: ContactPublic | None
    has_rescue_info: bool
    code: str | None = None
    address: str | None = None
    duty_phone: str | None = None

    @classmethod
    def of(cls, unit: Any, phone: Any = _as_recorded, **extra: Any) -> Self:
        info = unit.rescue_info
        return cls(id=str(unit.id), version=unit.version, name=unit.name,
                   has_rescue_info=unit.has_rescue_info, **{
                       **info, "emergency_lead": phone(info["emergency_lead"])}, **extra)


class UnitChanged(UnitPublic):
    notification_id: int | None


class CoveragePublic(BaseModel):
    districts: list[str]
    streets: str | None


class WorkerPublic(BaseModel):
    worker_id: str
    name: str
    mobile: str
    note: str | None


class StationPublic(BaseModel):
    id: str
    version: int
    unit_id: str
    name: str
    district: str
    lead: ContactPublic
    coverage: CoveragePublic
    workers: list[WorkerPublic]

    @classmethod
    def of(cls, station: Any, phone: Any = _as_recorded, **extra: Any) -> Self:
        return cls(id=str(station.id), version=station.version, unit_id=station.unit_id,
                   name=station.name, district=station.district, lead=phone(station.lead),
                   coverage=station.coverage, workers=[
                       {"worker_id": k, **phone(v)} for k, v in station.workers.items()],
                   **extra)


class StationChanged(StationPublic):
    notification_id: int | None


class WorkerAdded(BaseModel):
    worker_id: str
    notification_id: int | None


class UsingUnitPublic(BaseModel):
    code: str
    name: str


class LiftPublic(BaseModel):
    registration_code: str
    version: int
    rescue_code: str | None
    unit_id: str
    using_unit: UsingUnitPublic
    address: str
    district: str
    street: str | None
    site_type: str | None
    safety_manager: ContactPublic | None
    station_id: str | None
    # Issue 15: where it stands (WGS-84), whether it is in service, the register's manager.
    location: dict[str, float] | None = None
    in_service: bool = True
    out_of_service_since: datetime | None = None
    safety_manager_id: str | None = None
    in_use_since: date | None = None  # 使用登记 date

    @classmethod
    def of(cls, lift: Any, phone: Any = _as_recorded, **extra: Any) -> Self:
        return cls(version=lift.version, safety_manager=phone(lift.safety_manager), **{
            name: getattr(lift, name) for name in (
                "registration_code", "rescue_code", "unit_id", "using_unit", "address",
                "district", "street", "site_type", "station_id", "location", "in_service",
                "out_of_service_since", "safety_manager_id", "in_use_since")}, **extra)


class LiftChanged(LiftPublic):
    notification_id: int | None


class LiftRow(BaseModel):
    """A lift as the registry view lists it."""

    registration_code: str
    rescue_code: str | None
    unit_id: str
    station_id: str | None
    district: str
    street: str | None
    site_type: str | None
    using_unit_code: str
    using_unit_name: str
    address: str
    safety_manager_name: str | None
    # Issue 15: service state, location, the register's manager and its mobile (masked here).
    in_service: bool = True
    out_of_service_since: datetime | None = None
    location: dict[str, float] | None = None
    safety_manager_id: str | None = None
    safety_manager_mobile: str | None = None
    in_use_since: date | None = None  # 使用登记 date


class LiftPage(BaseModel):
    items: list[LiftRow]
    next_cursor: str | None


class Bound(BaseModel):
    bound: int
    notification_id: int | None


class Unbound(BaseModel):
    unbound: int
    notification_id: int | None


class Updated(BaseModel):
    updated: int
    notification_id: int | None


class StationRef(BaseModel):
    station_id: str
    name: str


class UnitRef(BaseModel):
    unit_id: str
    name: str


class ManagerRef(BaseModel):
    manager_id: str
    name: str


class DataGaps(BaseModel):
    """What maintenance units must still fill in."""

    missing_safety_manager: list[str]
    missing_site_type: list[str]
    unbound_lifts: list[str]
    stations_without_workers: list[StationRef]
    unit_missing_rescue_info: list[UnitRef]
    units_without_station: list[UnitRef] = []
    safety_managers_without_mobile: list[ManagerRef] = []  # issue 15: the register's gaps
