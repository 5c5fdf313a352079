"""Registry commands for lifts: register, revise, bind, bulk changes (a RegistryApp part)."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from dispatch.commands import Context
from dispatch.errors import NotFound
from dispatch.registry_guards import (
    no_emergency_lead, nothing_to_change, outside_selection, retried,
)
from domain.registry.contacts import registration_code
from domain.registry.lift import Lift
from domain.registry.rescue_code import RescueCodeClaim, RescueCodeTaken


class LiftCommands:
    """Lifts and their rescue-code claims, bindings and bulk changes."""

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
        if "safety_manager" not in facts and lift is not None:  # the console's edit keeps it
            facts["safety_manager"] = lift.safety_manager
        before = lift.rescue_code if lift is not None else None
        if lift is None:
            lift = Lift.register(code=code, facts=facts, **ctx.who)
        else:
            lift.revise(facts=facts, address_confirmed=bool(facts.get("address_confirmed")),
                        **ctx.who)
        claims = self._claims(lift, before, ctx)
        if station is not None:
            lift.bind(station_id=str(station.id), station_unit_id=station.unit_id, **ctx.who)
        return lift, created, self._save(lift, *claims)

    def _claims(self, lift: Lift, before: str | None, ctx: Context) -> list[RescueCodeClaim]:
        """Release the lift's old rescue code and claim its new one (saved with the lift)."""
        changed, after, holder = [], lift.rescue_code, lift.registration_code
        old = self.rescue_code_claim(before) if before and before != after else None
        if old is not None:
            old.release(holder=holder, **ctx.who)
            changed.append(old)
        if after:
            claim = self.rescue_code_claim(after)
            if claim is None:
                if any(self._holds(other, after) for other in self.lifts_with_rescue_code(after)
                       if other != holder):
                    raise RescueCodeTaken(after)
                claim = RescueCodeClaim(rescue_code=after, holder=holder, **ctx.who)
            else:
                claim.claim(holder=holder, **ctx.who)
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
            lift.bind(station_id=str(station.id), station_unit_id=station.unit_id, **ctx.who)
        changed = [lift for lift in lifts if lift.pending_events]
        return len(changed), self._save(*changed)

    @retried
    def unbind(self, station_id: str, codes: Iterable[str], ctx: Context):
        station = self._expect(self.station(station_id), ctx, "rescue station")
        lifts = [lift for lift in self._lifts(codes, ctx) if lift.station_id == str(station.id)]
        for lift in lifts:
            lift.unbind(**ctx.who)
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
                                                     lift.safety_manager), **ctx.who)
        return len(lifts), self._save(*lifts)

    @retried
    def set_in_service(self, code: str, in_service: bool, since: datetime, ctx: Context):
        """Take a lift out of service (停用) or back (恢复使用) from `since` (business time)."""
        lift = self._expect(self.lift(code), ctx, f"lift {code}")
        if ctx.unit_id is not None and lift.unit_id != ctx.unit_id:
            raise NotFound(f"no lift {code}")
        change = lift.return_to_service if in_service else lift.take_out_of_service
        change(since=since, now=datetime.now(UTC), **ctx.who)
        return lift, self._save(lift)

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
