"""The lift snapshot copied into AlarmReceived, read from the registry's aggregates."""

from collections.abc import Callable
from typing import Any

from dispatch.errors import NotFound
from dispatch.registry import RegistryApp
from domain.values import REGISTRATION_CODE, RESCUE_CODE


class RegistryLiftDirectory:
    """Resolves a registration or rescue code to the lift's facts at alarm time."""

    def __init__(self, registry: RegistryApp,
                 code_for_rescue_code: Callable[[str], str | None]):
        self.registry, self.code_for_rescue_code = registry, code_for_rescue_code

    def registration_code_of(self, rescue_code: str) -> str | None:
        """The lift holding the rescue code: its claim is current; only lifts registered
        before claims existed are looked up in the (lagging) registry view."""
        claim = self.registry.rescue_code_claim(rescue_code)
        if claim is not None:
            return claim.holder
        return self.code_for_rescue_code(rescue_code)

    def snapshot(self, lift_code: str) -> dict[str, Any] | None:
        code = lift_code
        if RESCUE_CODE.match(lift_code):
            code = self.registration_code_of(lift_code)
        if not code or not REGISTRATION_CODE.match(code):
            return None
        try:
            lift = self.registry.lift(code)
            unit = self.registry.unit(lift.unit_id)
        except NotFound:
            return None
        station = None
        if lift.station_id:
            try:
                station = self.registry.station(lift.station_id)
            except NotFound:
                station = None
        return {
            "registration_code": lift.registration_code, "rescue_code": lift.rescue_code,
            "unit_id": lift.unit_id, "unit_name": unit.name,
            "station_id": lift.station_id, "station_name": station.name if station else None,
            "district": lift.district, "street": lift.street, "site_type": lift.site_type,
            "using_unit_code": lift.using_unit.get("code"),
            "using_unit_name": lift.using_unit.get("name"), "address": lift.address,
        }

    def station(self, station_id: str) -> dict[str, Any] | None:
        """A registered rescue station as a notification records it; None if unknown."""
        try:
            station = self.registry.station(station_id)
        except NotFound:
            return None
        return {"id": str(station.id), "name": station.name, "unit_id": station.unit_id,
                "kind": "station"}
