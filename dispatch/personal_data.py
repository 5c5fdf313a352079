"""Phone numbers in and out of the personal-data store: events keep a reference and the mask."""

from typing import Any

from dispatch.errors import NotFound
from dispatch.ports import PersonalData
from domain.values import mask_mobile


def sealed(store: PersonalData, kind: str, person: dict[str, Any] | None,
           field: str) -> dict[str, Any] | None:
    """The person as an event records it: the number masked, the full one kept by reference."""
    if not person:
        return person
    number = person.get(field)
    out = {**person, field: mask_mobile(number)}
    if number:
        ref = store.keep(kind, number)
        if ref:
            out[f"{field}_ref"] = ref
    return out


def full_number(store: PersonalData, person: dict[str, Any] | None,
                field: str) -> tuple[str | None, str | None]:
    """(full number or None, problem): by reference (new events) or as recorded when the old
    event holds it whole (registry contacts before issue 14); masked ones cannot be shown."""
    if not person:
        return None, None
    ref = person.get(f"{field}_ref")
    if ref:
        revealed = store.reveal(ref)
        return revealed.value, revealed.problem
    number = person.get(field)
    if number and "*" not in number:
        return number, None
    return None, "masked" if number else None


def person(store: PersonalData, who: dict[str, Any] | None, field: str) -> dict[str, Any] | None:
    """A contact as shown to those allowed: name, masked number, full number or why not."""
    if not who:
        return None
    number, problem = full_number(store, who, field)
    return {"name": who.get("name"), "masked": mask_mobile(who.get(field)), "phone": number,
            "problem": problem}


def ticket_contacts(ticket: Any, registry: Any, store: PersonalData) -> dict[str, Any]:
    """Everyone to call about the ticket: its caller and responder (from the ticket) and the
    station lead and workers, unit emergency lead and safety manager (from the registry now)."""
    lift = ticket.lift or {}
    station = _record(registry.station, lift.get("station_id")
                      or (ticket.station or {}).get("id"))
    unit = _record(registry.unit, lift.get("unit_id"))
    registered = _record(registry.lift, lift.get("registration_code"))
    return {
        "caller": person(store, ticket.caller, "phone"),
        "responder": person(store, ticket.responder, "mobile"),
        "station_lead": person(store, station.lead if station else None, "mobile"),
        "station_workers": [person(store, w, "mobile")
                            for w in (station.workers.values() if station else [])],
        "unit_emergency_lead": person(store, unit.emergency_lead if unit else None, "mobile"),
        "safety_manager": person(store, getattr(registered, "safety_manager", None), "mobile"),
    }


def _record(read: Any, key: str | None) -> Any:
    """The registry record, or None when the ticket names none or it is gone."""
    if not key:
        return None
    try:
        return read(key)
    except NotFound:
        return None
