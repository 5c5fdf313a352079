"""Registry commands for maintenance units and their rescue stations (a RegistryApp part)."""

from typing import Any

from dispatch.commands import Context
from dispatch.registry_guards import retried
from domain.registry.station import RescueStation
from domain.registry.unit import FACTS, MaintenanceUnit
from domain.registry.unit_facts import UnitCodeTaken, credit_code


class UnitCommands:
    """Register units, set their rescue info; register and edit stations and their workers."""

    def register_unit(self, name: str, lead: dict | None, ctx: Context):
        self._expect(None, ctx, "a new maintenance unit")
        unit = MaintenanceUnit.register(
            name=name, emergency_lead=self.contacts.seal(lead, "emergency_lead"), **ctx.who)
        return unit, self._save(unit)

    @retried
    def set_rescue_info(self, unit_id: str, lead: dict | None, ctx: Context,
                        facts: dict[str, str | None] | None = None):
        """The lead (None keeps it) and any of code, address, duty_phone (absent: kept)."""
        unit = self._expect(self.unit(unit_id), ctx, "maintenance unit")
        if (facts or {}).get("code"):
            self._code_free(credit_code(facts["code"]), str(unit.id))
        lead = self.contacts.seal(lead, "emergency_lead", unit.emergency_lead)
        unit.set_rescue_info(emergency_lead=lead, **{
            k: v for k, v in (facts or {}).items() if k in FACTS}, **ctx.who)
        return unit, self._save(unit)

    def _code_free(self, code: str, unit_id: str) -> None:
        """No other unit holds `code` (the view finds them; each is read to be sure)."""
        for other in self.units_with_code(code):
            if other != unit_id and self.unit(other).code == code:
                raise UnitCodeTaken(code)

    # ---- stations ---------------------------------------------------------------------
    def register_station(self, fields: dict[str, Any], ctx: Context,
                         workers: list[dict[str, Any]] | None = None):
        """Register a station (optionally with its workers, in the same save)."""
        unit = self.unit(fields["unit_id"])
        self._expect(None, ctx, "a new rescue station")
        self._check_districts(fields)
        station = RescueStation.register(
            unit_id=str(unit.id), name=fields["name"], district=fields["district"],
            lead=self.contacts.seal(fields["lead"], "lead"), coverage=fields["coverage"], **ctx.who)
        for worker in workers or []:
            self._add_worker(station, worker, ctx)
        return station, self._save(station)

    @retried
    def update_station(self, station_id: str, changes: dict[str, Any], ctx: Context,
                       workers: list[dict[str, Any]] | None = None):
        """Change the station (and add `workers`, all in the same save)."""
        station = self._expect(self.station(station_id), ctx, "rescue station")
        self._check_districts(changes)
        station.update(changes=self.contacts.seal_in(changes, "lead", station.lead), **ctx.who)
        for worker in workers or []:
            self._add_worker(station, worker, ctx)
        return station, self._save(station)

    @retried
    def add_worker(self, station_id: str, worker: dict[str, Any], ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        worker_id = self._add_worker(station, worker, ctx)
        return station, worker_id, self._save(station)

    def _add_worker(self, station: RescueStation, worker: dict[str, Any], ctx: Context) -> str:
        person = self.contacts.seal(worker, "worker") or {}
        return station.add_worker(**person, note=worker.get("note"), **ctx.who)

    @retried
    def remove_worker(self, station_id: str, worker_id: str, ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        station.remove_worker(worker_id=worker_id, **ctx.who)
        return station, self._save(station)

    def _check_districts(self, fields: dict[str, Any]) -> None:
        if "district" in fields:
            self.catalogue.district(fields["district"])
        for i, district in enumerate((fields.get("coverage") or {}).get("districts") or []):
            self.catalogue.district(district, f"coverage.districts.{i}")
