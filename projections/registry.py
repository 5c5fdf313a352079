"""Registry read model: units, stations and lifts as rows, for lists, lookups and data gaps.

A creation event writes the whole row; every later event updates only the columns it
changes (an INSERT with some columns would violate NOT NULL before any conflict is
resolved)."""

from abc import abstractmethod
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking

from domain.registry.lift import Lift
from domain.registry.safety_manager import SafetyManager
from domain.registry.station import RescueStation
from domain.registry.unit import MaintenanceUnit
from domain.values import mask_mobile
from projections.skipping import SkippingProjection, SkippingViewPort


class RegistryViewPort(SkippingViewPort):
    """What the projection writes; each call stores its rows and the tracking together."""

    @abstractmethod
    def insert_row(self, table: str, row_id: str, row: dict[str, Any],
                   tracking: Tracking) -> None:
        """A new row with every column (units_view, stations_view, lifts_view)."""

    @abstractmethod
    def update_row(self, table: str, row_id: str, changes: dict[str, Any],
                   tracking: Tracking) -> None:
        """Some columns of an existing row."""

    @abstractmethod
    def change_workers(self, station_id: str, worker_id: str, worker: dict | None,
                       tracking: Tracking) -> None: ...

    @abstractmethod
    def change_service(self, lift_id: str, in_service: bool, since: datetime,
                       tracking: Tracking) -> None:
        """A lift out of service (a new period in the history) or back (the period closed)."""


def lift_columns(facts: dict[str, Any]) -> dict[str, Any]:
    """Lift facts (as in events) → view columns (only those the facts mention)."""
    columns = {k: facts[k] for k in ("rescue_code", "unit_id", "address", "district", "street",
                                      "site_type") if k in facts}
    if "using_unit" in facts:
        columns["using_unit_code"] = (facts["using_unit"] or {}).get("code")
        columns["using_unit_name"] = (facts["using_unit"] or {}).get("name")
    if "safety_manager" in facts:
        manager = facts["safety_manager"] or {}
        columns["safety_manager_name"] = manager.get("name")
        columns["safety_manager_mobile"] = mask_mobile(manager.get("mobile"))
        columns["safety_manager_mobile_ref"] = manager.get("mobile_ref")
    for key in ("location", "safety_manager_id"):
        if key in facts:
            columns[key] = facts[key]
    if "in_use_since" in facts:  # events keep the date as YYYY-MM-DD; the column is a date
        columns["in_use_since"] = date.fromisoformat(facts["in_use_since"]) \
            if facts["in_use_since"] else None
    return columns


def manager_columns(contact: dict[str, Any]) -> dict[str, Any]:
    """A register entry's row: the mobile only masked, with its reference for those allowed."""
    return {"name": contact["name"], "mobile": mask_mobile(contact.get("mobile")),
            "mobile_ref": contact.get("mobile_ref")}


def station_columns(facts: dict[str, Any]) -> dict[str, Any]:
    """Station facts (as in events) → view columns (only those the facts mention)."""
    columns = {k: facts[k] for k in ("unit_id", "name", "district", "coverage") if k in facts}
    if "lead" in facts:
        columns["lead_name"] = (facts["lead"] or {}).get("name")
    return columns


def worker_row(worker: dict[str, Any]) -> dict[str, Any]:
    """What the console lists of a worker; the mobile is masked, as everywhere outside the log."""
    return {"name": worker["name"], "mobile": mask_mobile(worker.get("mobile")),
            "note": worker.get("note")}


class RegistryProjection(SkippingProjection[RegistryViewPort]):
    name = "registry_view"
    process_event = singledispatchmethod(SkippingProjection.skip)

    @process_event.register
    def _(self, e: MaintenanceUnit.UnitRegistered, tracking: Tracking) -> None:
        self.view.insert_row("units_view", str(e.originator_id), {
            "name": e.name, "has_rescue_info": e.emergency_lead is not None,
            "lead_name": (e.emergency_lead or {}).get("name"), "code": None, "address": None,
            "duty_phone": None}, tracking)

    @process_event.register
    def _(self, e: MaintenanceUnit.RescueInfoSet, tracking: Tracking) -> None:
        # The event holds the whole rescue info (v1 events are upcast with None facts).
        self.view.update_row("units_view", str(e.originator_id), {
            "has_rescue_info": True, "lead_name": e.emergency_lead.get("name"),
            "code": e.code, "address": e.address, "duty_phone": e.duty_phone}, tracking)

    @process_event.register
    def _(self, e: RescueStation.StationRegistered, tracking: Tracking) -> None:
        row = station_columns({"unit_id": e.unit_id, "name": e.name, "district": e.district,
                               "coverage": e.coverage, "lead": e.lead})
        self.view.insert_row("stations_view", str(e.originator_id), {**row, "workers": {}},
                             tracking)

    @process_event.register
    def _(self, e: RescueStation.StationUpdated, tracking: Tracking) -> None:
        self.view.update_row("stations_view", str(e.originator_id),
                             station_columns(e.changes), tracking)

    @process_event.register
    def _(self, e: RescueStation.WorkerAdded, tracking: Tracking) -> None:
        self.view.change_workers(str(e.originator_id), e.worker_id, worker_row(e.worker),
                                 tracking)

    @process_event.register
    def _(self, e: RescueStation.WorkerRemoved, tracking: Tracking) -> None:
        self.view.change_workers(str(e.originator_id), e.worker_id, None, tracking)

    @process_event.register
    def _(self, e: Lift.LiftRegistered, tracking: Tracking) -> None:
        self.view.insert_row("lifts_view", str(e.originator_id), {
            "registration_code": e.registration_code, "station_id": None,
            "registered_at": e.timestamp, "in_service": True, "out_of_service_since": None,
            **lift_columns({"street": None, "site_type": None, "safety_manager": None,
                            "rescue_code": None, "location": None, "safety_manager_id": None,
                            "in_use_since": None, **e.details})}, tracking)

    @process_event.register
    def _(self, e: Lift.LiftRevised, tracking: Tracking) -> None:
        self.view.update_row("lifts_view", str(e.originator_id), lift_columns(e.changes),
                             tracking)

    @process_event.register
    def _(self, e: Lift.LiftBound, tracking: Tracking) -> None:
        self.view.update_row("lifts_view", str(e.originator_id), {"station_id": e.station_id},
                             tracking)

    @process_event.register
    def _(self, e: Lift.LiftUnbound, tracking: Tracking) -> None:
        self.view.update_row("lifts_view", str(e.originator_id), {"station_id": None},
                             tracking)

    @process_event.register
    def _(self, e: Lift.LiftTakenOutOfService, tracking: Tracking) -> None:
        self.view.change_service(str(e.originator_id), False, e.since, tracking)

    @process_event.register
    def _(self, e: Lift.LiftBackInService, tracking: Tracking) -> None:
        self.view.change_service(str(e.originator_id), True, e.since, tracking)

    @process_event.register
    def _(self, e: SafetyManager.ManagerEntered, tracking: Tracking) -> None:
        self.view.insert_row("safety_managers_view", str(e.originator_id), {
            "unit_id": e.unit_id, **manager_columns(e.contact)}, tracking)

    @process_event.register
    def _(self, e: SafetyManager.ManagerRevised, tracking: Tracking) -> None:
        self.view.update_row("safety_managers_view", str(e.originator_id),
                             manager_columns(e.contact), tracking)
