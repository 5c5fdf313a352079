"""RegistryApp: units, stations, workers and lifts; every change an event with its actor."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from dispatch.commands import Context
from dispatch.errors import NotFound
from dispatch.ports import PersonalData
from dispatch.registry_contacts import ContactSealer
from dispatch.registry_guards import (
    Catalogue, StaleVersion, no_emergency_lead, nothing_to_change, outside_selection, retried,
)
from domain.registry.contacts import registration_code
from domain.registry.lift import Lift, lift_id
from domain.registry.rescue_code import RescueCodeClaim, RescueCodeTaken, claim_id
from domain.registry.station import RescueStation
from domain.registry.unit import MaintenanceUnit

T = TypeVar("T")
__all__ = ["Catalogue", "RegistryApp", "StaleVersion"]


class RegistryApp(Application[UUID]):
    """Registry use cases; bulk operations save all their aggregates in one transaction."""

    name = "registry"

    def __init__(self, env: dict[str, str] | None = None, *,
                 catalogue: Catalogue | None = None,
                 lifts_of_using_unit: Callable[[str, str], list[str]] | None = None,
                 lifts_with_rescue_code: Callable[[str], list[str]] | None = None,
                 personal_data: PersonalData | None = None):
        super().__init__(env)
        self.contacts = ContactSealer(personal_data)  # full mobiles stay out of the events
        self.catalogue = catalogue or Catalogue([], [])
        self.lifts_of_using_unit = lifts_of_using_unit
        # From the view: lifts registered before rescue codes were claimed have no claim.
        self.lifts_with_rescue_code = lifts_with_rescue_code or (lambda _: [])

    def _get(self, kind: type[T], aggregate_id: UUID | str, label: str,
             shown: str | None = None) -> T:
        missing = NotFound(f"no {label} {shown or aggregate_id}")
        try:
            found = self.repository.get(UUID(str(aggregate_id)))
        except (AggregateNotFoundError, ValueError):
            raise missing from None
        if not isinstance(found, kind):
            raise missing
        return found

    def unit(self, unit_id: UUID | str) -> MaintenanceUnit:
        return self._get(MaintenanceUnit, unit_id, "maintenance unit")

    def station(self, station_id: UUID | str) -> RescueStation:
        return self._get(RescueStation, station_id, "rescue station")

    def lift(self, code: str) -> Lift:
        return self._get(Lift, lift_id(registration_code(code)), "lift", code)

    def rescue_code_claim(self, rescue_code: str) -> RescueCodeClaim | None:
        """Who holds the code now (None: never claimed, e.g. only by lifts older than claims)."""
        try:
            return self._get(RescueCodeClaim, claim_id(rescue_code), "rescue code")
        except NotFound:
            return None

    def _save(self, *aggregates: Any) -> int | None:
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else None

    @staticmethod
    def _expect(found: T, ctx: Context, label: str) -> T:
        """`found`, if the caller's If-Match version is current (0 = "must not exist yet")."""
        actual = found.version if found is not None else 0
        if ctx.expected_version is not None and ctx.expected_version != actual:
            raise StaleVersion(label, ctx.expected_version, actual)
        return found

    # ---- units ------------------------------------------------------------------------
    def register_unit(self, name: str, lead: dict | None, ctx: Context):
        self._expect(None, ctx, "a new maintenance unit")
        unit = MaintenanceUnit.register(
            name=name, emergency_lead=self.contacts.seal(lead, "emergency_lead"), **_who(ctx))
        return unit, self._save(unit)

    @retried
    def set_rescue_info(self, unit_id: str, lead: dict, ctx: Context):
        unit = self._expect(self.unit(unit_id), ctx, "maintenance unit")
        lead = self.contacts.seal(lead, "emergency_lead", unit.emergency_lead)
        unit.set_rescue_info(emergency_lead=lead, **_who(ctx))
        return unit, self._save(unit)

    # ---- stations ---------------------------------------------------------------------
    def register_station(self, fields: dict[str, Any], ctx: Context,
                         workers: list[dict[str, Any]] | None = None):
        """Register a station (optionally with its workers, in the same save)."""
        unit = self.unit(fields["unit_id"])
        self._expect(None, ctx, "a new rescue station")
        self._check_districts(fields)
        station = RescueStation.register(
            unit_id=str(unit.id), name=fields["name"], district=fields["district"],
            lead=self.contacts.seal(fields["lead"], "lead"), coverage=fields["coverage"], **_who(ctx))
        for worker in workers or []:
            self._add_worker(station, worker, ctx)
        return station, self._save(station)

    @retried
    def update_station(self, station_id: str, changes: dict[str, Any], ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        self._check_districts(changes)
        station.update(changes=self.contacts.seal_in(changes, "lead", station.lead), **_who(ctx))
        return station, self._save(station)

    @retried
    def add_worker(self, station_id: str, worker: dict[str, Any], ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        worker_id = self._add_worker(station, worker, ctx)
        return station, worker_id, self._save(station)

    def _add_worker(self, station: RescueStation, worker: dict[str, Any], ctx: Context) -> str:
        person = self.contacts.seal(worker, "worker") or {}
        return station.add_worker(**person, note=worker.get("note"), **_who(ctx))

    @retried
    def remove_worker(self, station_id: str, worker_id: str, ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        station.remove_worker(worker_id=worker_id, **_who(ctx))
        return station, self._save(station)

    def _check_districts(self, fields: dict[str, Any]) -> None:
        if "district" in fields:
            self.catalogue.district(fields["district"])
        for i, district in enumerate((fields.get("coverage") or {}).get("districts") or []):
            self.catalogue.district(district, f"coverage.districts.{i}")

    # ---- lifts ------------------------------------------------------------------------
    @retried
    def put_lift(self, code: str, facts: dict[str, Any], ctx: Context,
                 station_id: str | None = None):
        """Register or revise a lift (and bind it, in the same save); its unit must have
        filled in its rescue info first, and its rescue code must be free."""
        unit = self.unit(facts["unit_id"])
        if not unit.has_rescue_info:
            raise no_emergency_lead(unit.name)
        self.catalogue.district(facts.get("district"))
        self.catalogue.site_type(facts.get("site_type"))
        facts = {**facts, "unit_id": str(unit.id)}
        station = self.station(station_id) if station_id else None
        try:
            lift, created = self.lift(code), False
        except NotFound:
            lift, created = None, True
        self._expect(lift, ctx, f"lift {code}")
        facts = self.contacts.seal_in(facts, "safety_manager", getattr(lift, "safety_manager", None))
        before = lift.rescue_code if lift is not None else None
        if lift is None:
            lift = Lift.register(code=code, facts=facts, **_who(ctx))
        else:
            lift.revise(facts=facts, **_who(ctx))
        claims = self._claims(lift, before, ctx)
        if station is not None:
            lift.bind(station_id=str(station.id), station_unit_id=station.unit_id, **_who(ctx))
        return lift, created, self._save(lift, *claims)

    def _claims(self, lift: Lift, before: str | None, ctx: Context) -> list[RescueCodeClaim]:
        """Release the lift's old rescue code and claim its new one (saved with the lift)."""
        changed, after, holder = [], lift.rescue_code, lift.registration_code
        old = self.rescue_code_claim(before) if before and before != after else None
        if old is not None:
            old.release(holder=holder, **_who(ctx))
            changed.append(old)
        if after:
            claim = self.rescue_code_claim(after)
            if claim is None:
                if any(self._holds(other, after) for other in self.lifts_with_rescue_code(after)
                       if other != holder):
                    raise RescueCodeTaken(after)
                claim = RescueCodeClaim(rescue_code=after, holder=holder, **_who(ctx))
            else:
                claim.claim(holder=holder, **_who(ctx))
            changed.append(claim)
        return [c for c in changed if c.pending_events]

    def _holds(self, code: str, rescue_code: str) -> bool:
        """Does lift `code` (found in the lagging view) still hold `rescue_code`?"""
        try:
            return self.lift(code).rescue_code == rescue_code
        except NotFound:
            return False

    @retried
    def bind(self, station_id: str, codes: Iterable[str], ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        lifts = self._lifts(codes, ctx)
        for lift in lifts:
            lift.bind(station_id=str(station.id), station_unit_id=station.unit_id, **_who(ctx))
        changed = [lift for lift in lifts if lift.pending_events]
        return len(changed), self._save(*changed)

    @retried
    def unbind(self, station_id: str, codes: Iterable[str], ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        lifts = [lift for lift in self._lifts(codes, ctx) if lift.station_id == str(station.id)]
        for lift in lifts:
            lift.unbind(**_who(ctx))
        return len(lifts), self._save(*lifts)

    @retried
    def batch_update(self, unit_id: str, using_unit_code: str, codes: list[str] | None,
                     changes: dict[str, Any], ctx: Context):
        """Site type and/or safety manager for lifts of one using unit, all or nothing."""
        if not changes:
            raise nothing_to_change()
        self._expect(self.unit(unit_id), ctx, "maintenance unit")
        self.catalogue.site_type(changes.get("site_type"))
        if codes is None:
            codes = self.lifts_of_using_unit(unit_id, using_unit_code) if \
                self.lifts_of_using_unit else []
        lifts = self._lifts(codes, ctx)
        for lift in lifts:
            if refused := outside_selection(lift, unit_id, using_unit_code):
                raise refused
            lift.amend(changes=self.contacts.seal_in(changes, "safety_manager",
                                                     lift.safety_manager), **_who(ctx))
        return len(lifts), self._save(*lifts)

    def _lifts(self, codes: Iterable[str], ctx: Context) -> list[Lift]:
        """The selected lifts; another unit's lift is, to a unit's caller, no lift at all."""
        codes = list(dict.fromkeys(codes))
        for i, code in enumerate(codes):
            registration_code(code, f"registration_codes.{i}")
        lifts = [self.lift(code) for code in codes]
        for lift in lifts:
            if ctx.unit_id is not None and lift.unit_id != ctx.unit_id:
                raise NotFound(f"no lift {lift.registration_code}")
        return lifts


def _who(ctx: Context) -> dict[str, str]:
    return {"actor": ctx.actor, "correlation_id": ctx.correlation_id}
