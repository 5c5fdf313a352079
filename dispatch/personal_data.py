"""Personal data (phone numbers, callers' names) in and out of the personal-data store: events
keep a reference and the mask."""

from typing import Any

from dispatch.errors import NotFound
from dispatch.ports import PersonalData
from domain.values import mask_mobile, mask_name

# How each sealed field is masked in the event (numbers: 138****5678; names: 张**).
MASKS = {"name": mask_name}


def sealed(store: PersonalData, kind: str, person: dict[str, Any] | None,
           field: str) -> dict[str, Any] | None:
    """The person as an event records it: the number masked, the full one kept by reference."""
    return sealed_fields(store, person, {field: kind})


def sealed_fields(store: PersonalData, person: dict[str, Any] | None,
                  kinds: dict[str, str]) -> dict[str, Any] | None:
    """The person with each field of `kinds` (field → store kind) masked and its full value kept
    by reference (`<field>_ref`)."""
    if not person:
        return person
    out = dict(person)
    for field, kind in kinds.items():
        value = person.get(field)
        out[field] = MASKS.get(field, mask_mobile)(value)
        if value:
            ref = store.keep(kind, value)
            if ref:
                out[f"{field}_ref"] = ref
    return out


def full_name(store: PersonalData, who: dict[str, Any]) -> str | None:
    """The full name by reference (callers since issue 14), else the name as recorded (masked
    once its value is purged)."""
    ref = who.get("name_ref")
    revealed = store.reveal(ref).value if ref else None
    return revealed or who.get("name")


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
    return {"name": full_name(store, who), "masked": mask_mobile(who.get(field)),
            "phone": number, "problem": problem}


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
