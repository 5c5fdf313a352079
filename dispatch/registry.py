"""RegistryApp: units, stations, workers and lifts; every change an event with its actor."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from dispatch.commands import Context
from dispatch.errors import NotFound
from domain.errors import InvalidTransition, InvalidValue
from domain.registry.contacts import one_of, registration_code
from domain.registry.lift import Lift, lift_id
from domain.registry.station import RescueStation
from domain.registry.unit import MaintenanceUnit

T = TypeVar("T")


class Catalogue:
    """Allowed districts and site types (reference data, loaded by the adapters)."""

    def __init__(self, districts: list[str], site_types: list[str]):
        self.districts, self.site_types = districts, site_types

    def district(self, value: str | None, field: str = "district") -> str | None:
        return one_of(value, self.districts, field)

    def site_type(self, value: str | None) -> str | None:
        return one_of(value, self.site_types, "site_type")


class RegistryApp(Application[UUID]):
    """Registry use cases; bulk operations save all their aggregates in one transaction."""

    name = "registry"

    def __init__(self, env: dict[str, str] | None = None, *,
                 catalogue: Catalogue | None = None,
                 lifts_of_using_unit: Callable[[str, str], list[str]] | None = None):
        super().__init__(env)
        self.catalogue = catalogue or Catalogue([], [])
        self.lifts_of_using_unit = lifts_of_using_unit

    def _get(self, kind: type[T], aggregate_id: UUID | str, label: str) -> T:
        try:
            found = self.repository.get(UUID(str(aggregate_id)))
        except (AggregateNotFoundError, ValueError):
            raise NotFound(f"no {label} {aggregate_id}") from None
        if not isinstance(found, kind):
            raise NotFound(f"no {label} {aggregate_id}")
        return found

    def unit(self, unit_id: UUID | str) -> MaintenanceUnit:
        return self._get(MaintenanceUnit, unit_id, "maintenance unit")

    def station(self, station_id: UUID | str) -> RescueStation:
        return self._get(RescueStation, station_id, "rescue station")

    def lift(self, code: str) -> Lift:
        return self._get(Lift, lift_id(registration_code(code)), "lift")

    def _save(self, *aggregates: Any) -> int | None:
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else None

    # ---- units ------------------------------------------------------------------------
    def register_unit(self, name: str, lead: dict | None, ctx: Context):
        unit = MaintenanceUnit.register(name=name, emergency_lead=lead, **_who(ctx))
        return unit, self._save(unit)

    def set_rescue_info(self, unit_id: str, lead: dict, ctx: Context):
        unit = self.unit(unit_id)
        unit.set_rescue_info(emergency_lead=lead, **_who(ctx))
        return unit, self._save(unit)

    # ---- stations ---------------------------------------------------------------------
    def register_station(self, fields: dict[str, Any], ctx: Context,
                         workers: list[dict[str, Any]] | None = None):
        """Register a station (optionally with its workers, in the same save)."""
        unit = self.unit(fields["unit_id"])
        self._check_districts(fields)
        station = RescueStation.register(
            unit_id=str(unit.id), name=fields["name"], district=fields["district"],
            lead=fields["lead"], coverage=fields["coverage"], **_who(ctx))
        for worker in workers or []:
            station.add_worker(name=worker["name"], mobile=worker["mobile"],
                               note=worker.get("note"), **_who(ctx))
        return station, self._save(station)

    def update_station(self, station_id: str, changes: dict[str, Any], ctx: Context):
        station = self.station(station_id)
        self._check_districts(changes)
        station.update(changes=changes, **_who(ctx))
        return station, self._save(station)

    def add_worker(self, station_id: str, worker: dict[str, Any], ctx: Context):
        station = self.station(station_id)
        worker_id = station.add_worker(name=worker["name"], mobile=worker["mobile"],
                                       note=worker.get("note"), **_who(ctx))
        return station, worker_id, self._save(station)

    def remove_worker(self, station_id: str, worker_id: str, ctx: Context):
        station = self.station(station_id)
        station.remove_worker(worker_id=worker_id, **_who(ctx))
        return station, self._save(station)

    def _check_districts(self, fields: dict[str, Any]) -> None:
        if "district" in fields:
            self.catalogue.district(fields["district"])
        for i, district in enumerate((fields.get("coverage") or {}).get("districts") or []):
            self.catalogue.district(district, f"coverage.districts.{i}")

    # ---- lifts ------------------------------------------------------------------------
    def put_lift(self, code: str, facts: dict[str, Any], ctx: Context,
                 station_id: str | None = None):
        """Register or revise a lift (and bind it, in the same save); its unit must have
        filled in its rescue info first."""
        unit = self.unit(facts["unit_id"])
        if not unit.has_rescue_info:
            raise InvalidTransition(
                f"maintenance unit {unit.name} has no emergency lead: fill in its rescue info "
                "(PUT /v1/units/{id}/rescue-info) before registering lifts")
        self.catalogue.district(facts.get("district"))
        self.catalogue.site_type(facts.get("site_type"))
        facts = {**facts, "unit_id": str(unit.id)}
        station = self.station(station_id) if station_id else None
        try:
            lift, created = self.lift(code), False
            lift.revise(facts=facts, **_who(ctx))
        except NotFound:
            lift, created = Lift.register(code=code, facts=facts, **_who(ctx)), True
        if station is not None:
            lift.bind(station_id=str(station.id), station_unit_id=station.unit_id, **_who(ctx))
        return lift, created, self._save(lift)

    def bind(self, station_id: str, codes: Iterable[str], ctx: Context):
        station = self.station(station_id)
        lifts = self._lifts(codes)
        for lift in lifts:
            lift.bind(station_id=str(station.id), station_unit_id=station.unit_id, **_who(ctx))
        changed = [lift for lift in lifts if lift.pending_events]
        return len(changed), self._save(*changed)

    def unbind(self, station_id: str, codes: Iterable[str], ctx: Context):
        station = self.station(station_id)
        lifts = [lift for lift in self._lifts(codes) if lift.station_id == str(station.id)]
        for lift in lifts:
            lift.unbind(**_who(ctx))
        return len(lifts), self._save(*lifts)

    def batch_update(self, unit_id: str, using_unit_code: str, codes: list[str] | None,
                     changes: dict[str, Any], ctx: Context):
        """Site type and/or safety manager for lifts of one using unit, all or nothing."""
        if not changes:
            raise InvalidValue("give site_type and/or safety_manager", field="site_type")
        self.catalogue.site_type(changes.get("site_type"))
        if codes is None:
            codes = self.lifts_of_using_unit(unit_id, using_unit_code) if \
                self.lifts_of_using_unit else []
        lifts = self._lifts(codes)
        for lift in lifts:
            if lift.unit_id != unit_id:
                raise InvalidTransition(f"lift {lift.registration_code} is not maintained by "
                                        "this unit")
            if lift.using_unit.get("code") != using_unit_code:
                raise InvalidTransition("the selection mixes using units: lift "
                                        f"{lift.registration_code} belongs to "
                                        f"{lift.using_unit.get('code')}")
            lift.amend(changes=changes, **_who(ctx))
        return len(lifts), self._save(*lifts)

    def _lifts(self, codes: Iterable[str]) -> list[Lift]:
        codes = list(dict.fromkeys(codes))
        for i, code in enumerate(codes):
            registration_code(code, f"registration_codes.{i}")
        return [self.lift(code) for code in codes]


def _who(ctx: Context) -> dict[str, str]:
    return {"actor": ctx.actor, "correlation_id": ctx.correlation_id}
