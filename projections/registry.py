"""Registry read model: units, stations and lifts as rows, for lists, lookups and data gaps."""

from functools import singledispatchmethod
from abc import ABC, abstractmethod
from typing import Any

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from domain.registry.lift import Lift
from domain.registry.station import RescueStation
from domain.registry.unit import MaintenanceUnit


class RegistryViewPort(TrackingRecorder, ABC):
    """What the projection writes; each call stores its rows and the tracking together."""

    @abstractmethod
    def upsert_unit(self, unit_id: str, fields: dict[str, Any], tracking: Tracking) -> None: ...
    @abstractmethod
    def upsert_station(self, station_id: str, fields: dict[str, Any],
                       tracking: Tracking) -> None: ...
    @abstractmethod
    def change_workers(self, station_id: str, worker_id: str, worker: dict | None,
                       tracking: Tracking) -> None: ...
    @abstractmethod
    def upsert_lift(self, lift_id: str, fields: dict[str, Any], tracking: Tracking) -> None: ...
    @abstractmethod
    def skip(self, tracking: Tracking) -> None: ...


def lift_columns(facts: dict[str, Any]) -> dict[str, Any]:
    """Lift facts (as in events) → view columns."""
    columns = {k: facts[k] for k in ("rescue_code", "unit_id", "address", "district", "street",
                                      "site_type") if k in facts}
    if "using_unit" in facts:
        columns["using_unit_code"] = facts["using_unit"].get("code")
        columns["using_unit_name"] = facts["using_unit"].get("name")
    if "safety_manager" in facts:
        columns["safety_manager_name"] = (facts["safety_manager"] or {}).get("name")
    return columns


class RegistryProjection(Projection[RegistryViewPort]):
    name = "registry_view"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register
    def _(self, e: MaintenanceUnit.UnitRegistered, tracking: Tracking) -> None:
        self.view.upsert_unit(str(e.originator_id), {"name": e.name,
                              "has_rescue_info": e.emergency_lead is not None}, tracking)

    @process_event.register
    def _(self, e: MaintenanceUnit.RescueInfoSet, tracking: Tracking) -> None:
        self.view.upsert_unit(str(e.originator_id), {"has_rescue_info": True}, tracking)

    @process_event.register
    def _(self, e: RescueStation.StationRegistered, tracking: Tracking) -> None:
        self.view.upsert_station(str(e.originator_id), {
            "unit_id": e.unit_id, "name": e.name, "district": e.district,
            "coverage": e.coverage, "lead_name": e.lead["name"]}, tracking)

    @process_event.register
    def _(self, e: RescueStation.StationUpdated, tracking: Tracking) -> None:
        fields = {k: v for k, v in e.changes.items() if k in ("name", "district", "coverage")}
        if "lead" in e.changes:
            fields["lead_name"] = e.changes["lead"]["name"]
        self.view.upsert_station(str(e.originator_id), fields, tracking)

    @process_event.register
    def _(self, e: RescueStation.WorkerAdded, tracking: Tracking) -> None:
        self.view.change_workers(str(e.originator_id), e.worker_id,
                                 {"name": e.worker["name"], "note": e.worker.get("note")},
                                 tracking)

    @process_event.register
    def _(self, e: RescueStation.WorkerRemoved, tracking: Tracking) -> None:
        self.view.change_workers(str(e.originator_id), e.worker_id, None, tracking)

    @process_event.register
    def _(self, e: Lift.LiftRegistered, tracking: Tracking) -> None:
        self.view.upsert_lift(str(e.originator_id), {"registration_code": e.registration_code,
                                                     **lift_columns(e.details)}, tracking)

    @process_event.register
    def _(self, e: Lift.LiftRevised, tracking: Tracking) -> None:
        self.view.upsert_lift(str(e.originator_id), lift_columns(e.changes), tracking)

    @process_event.register
    def _(self, e: Lift.LiftBound, tracking: Tracking) -> None:
        self.view.upsert_lift(str(e.originator_id), {"station_id": e.station_id}, tracking)

    @process_event.register
    def _(self, e: Lift.LiftUnbound, tracking: Tracking) -> None:
        self.view.upsert_lift(str(e.originator_id), {"station_id": None}, tracking)
