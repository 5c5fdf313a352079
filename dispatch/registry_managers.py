"""The safety-manager register (issue 15): enter a manager once, assign to many lifts (a
RegistryApp part). The full mobile goes to the personal-data store, events keep the mask."""

from typing import Any

from dispatch.commands import Context
from dispatch.errors import NotFound
from dispatch.personal_data import full_number, sealed
from dispatch.registry_guards import outside_selection, retried
from domain.errors import InvalidValue
from domain.registry.safety_manager import SafetyManager, manager_contact


class ManagerCommands:
    """Enter, revise and assign safety managers of a maintenance unit."""

    def manager(self, manager_id: str) -> SafetyManager:
        return self._get(SafetyManager, manager_id, "safety manager")

    def _sealed_manager(self, contact: dict[str, Any],
                        current: dict[str, Any] | None = None) -> dict[str, Any]:
        """Checked as given (a full number or none), then sealed; unchanged → `current`."""
        checked = manager_contact({"name": contact.get("name"), "mobile": contact.get("mobile")})
        store = self.contacts.store
        if store is None or not checked["mobile"]:
            return checked
        if current and current.get("name") == checked["name"] and \
                full_number(store, current, "mobile")[0] == checked["mobile"]:
            return dict(current)
        return sealed(store, "registry_safety_manager", checked, "mobile")

    @retried
    def enter_manager(self, unit_id: str, contact: dict[str, Any], ctx: Context):
        unit = self.unit(unit_id)
        if ctx.unit_id is not None and str(unit.id) != ctx.unit_id:
            raise NotFound(f"no maintenance unit {unit_id}")
        self._expect(None, ctx, "safety manager")  # If-Match "0" only: it is new
        manager = SafetyManager.enter(unit_id=str(unit.id), contact=self._sealed_manager(contact),
                                      **ctx.who)
        return manager, self._save(manager)

    def _owned_manager(self, manager_id: str, ctx: Context) -> SafetyManager:
        manager = self._expect(self.manager(manager_id), ctx, "safety manager")
        if ctx.unit_id is not None and manager.unit_id != ctx.unit_id:
            raise NotFound(f"no safety manager {manager_id}")
        return manager

    @retried
    def revise_manager(self, manager_id: str, contact: dict[str, Any], assigned: list[str],
                       ctx: Context):
        """New name or mobile; its `assigned` lifts (from the view) follow, in the same save."""
        manager = self._owned_manager(manager_id, ctx)
        manager.revise(contact=self._sealed_manager(contact, manager.contact), **ctx.who)
        lifts = [self.lift(code) for code in assigned]
        for lift in lifts:
            if lift.safety_manager_id == str(manager.id):  # still (the view may lag)
                    lift.assign_safety_manager(manager_id=str(manager.id), manager=manager.contact,
                                           **ctx.who)
        return manager, self._save(manager, *[x for x in lifts if x.pending_events])

    @retried
    def assign_manager(self, manager_id: str, codes: list[str] | None,
                       using_unit_code: str | None, ctx: Context):
        """To ticked lifts, or to every lift of one using unit, of the manager's own unit."""
        manager = self._owned_manager(manager_id, ctx)
        if codes is None:
            if not using_unit_code:
                raise InvalidValue("give registration_codes or using_unit_code",
                                   zh="请勾选电梯或选择使用单位", field="registration_codes")
            codes = self.lifts_of_using_unit(manager.unit_id, using_unit_code)
            if not codes:
                raise InvalidValue(f"no lifts of using unit {using_unit_code}",
                                   zh=f"使用单位 {using_unit_code} 下没有本单位的电梯",
                                   field="using_unit_code")
        lifts = self._lifts(codes, ctx)
        for lift in lifts:
            if using_unit_code and (refused := outside_selection(lift, manager.unit_id,
                                                                 using_unit_code)):
                raise refused
            if lift.unit_id != manager.unit_id:
                raise NotFound(f"no lift {lift.registration_code}")
            lift.assign_safety_manager(manager_id=str(manager.id), manager=manager.contact,
                                       **ctx.who)
        changed = [lift for lift in lifts if lift.pending_events]
        return len(lifts), self._save(*changed)
