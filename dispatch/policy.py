"""Who is notified at each level (pure): bound station → another covering station → operators."""

from dataclasses import dataclass, field, replace
from typing import Any

OPERATORS = "operators"


@dataclass(frozen=True)
class Recipient:
    """One person to text; `cc` = informed only (reaching them does not reach the station)."""

    name: str
    mobile: str
    cc: bool = False


@dataclass(frozen=True)
class StationContacts:
    station_id: str
    name: str
    unit_id: str
    districts: tuple[str, ...]
    lead: Recipient
    workers: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class Target:
    """Whom to notify at a level, and why (the reason is recorded with the notification)."""

    level: int
    kind: str  # station | unit_lead | operators
    reason: str
    station_id: str | None = None
    name: str | None = None
    unit_id: str | None = None
    recipients: tuple[Recipient, ...] = field(default=())

    def station_data(self) -> dict[str, Any]:
        return {"id": self.station_id, "name": self.name, "unit_id": self.unit_id,
                "kind": self.kind, "reason": self.reason}


def distinct(people: tuple[Recipient, ...]) -> tuple[Recipient, ...]:
    """One message per mobile: a station lead who is also a worker is texted once."""
    seen: set[str] = set()
    kept = []
    for person in people:
        if person.mobile not in seen:
            seen.add(person.mobile)
            kept.append(person)
    return tuple(kept)


def to_station(level: int, station: StationContacts, reason: str) -> Target:
    return Target(level, "station", reason, station.station_id, station.name, station.unit_id,
                  distinct((station.lead, *station.workers)))


def with_unit_lead(target: Target, unit_lead: Recipient | None) -> Target:
    """The city guide: the unit's emergency lead is told of every entrapment (as a copy)."""
    if unit_lead is None:
        return target
    copy = Recipient(unit_lead.name, unit_lead.mobile, cc=True)
    return replace(target, recipients=distinct((*target.recipients, copy)))


def operators(reason: str) -> Target:
    return Target(3, OPERATORS, reason, name="调度中心/119")


def first_target(lift: dict[str, Any] | None, bound: StationContacts | None,
                 unit_lead: Recipient | None) -> Target:
    """Level 1: bound station (unit lead copied), else the unit's lead; unknown lift → operators."""
    if lift is None:
        return operators("unknown lift: operators route the ticket")
    if bound is not None:
        return with_unit_lead(to_station(1, bound, "station bound to the lift"), unit_lead)
    if unit_lead is not None:
        return Target(1, "unit_lead", "lift bound to no station: the unit's emergency lead",
                      name=unit_lead.name, unit_id=lift.get("unit_id"), recipients=(unit_lead,))
    return operators("no bound station and no emergency lead")


def next_target(level: int, lift: dict[str, Any] | None,
                candidates: list[StationContacts]) -> Target:
    """Level 2: another station covering the lift's district (same unit first); then level 3."""
    if level >= 2 or lift is None:
        return operators(f"no answer at level {level}: operators and fire service")
    district, unit_id = lift.get("district"), lift.get("unit_id")
    covering = [s for s in candidates
                if district in s.districts and s.station_id != lift.get("station_id")]
    covering.sort(key=lambda s: (s.unit_id != unit_id, s.name, s.station_id))
    if covering:
        return to_station(2, covering[0], f"no answer at level 1: station covering {district}")
    return operators(f"no answer at level 1 and no other station covers {district}")
