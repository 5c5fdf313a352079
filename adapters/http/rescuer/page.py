"""What the rescuer's page shows: the one ticket, its lift, and each step's record or button.

Only this ticket and its lift: names come from the ticket's own events, never the registry."""

from typing import Any
from urllib.parse import quote

from adapters.bootstrap import Services
from adapters.http.rescuer.access import Rescuer
from dispatch.errors import NotFound
from dispatch.personal_data import person
from domain.arrival import PROOF_ZH, Proof
from domain.values import Node

STEPS = ("accept", "arrive", "release", "fault")
EVENT_STEP = {"ResponderAssigned": "accept", "ArrivedOnSite": "arrive",
              "PassengersReleased": "release", "FaultReportFiled": "fault"}


def map_url(lift: dict[str, Any], location: dict[str, float] | None) -> str:
    """Amap (高德) link: the marker when the lift has a position, else an address search."""
    if location:
        return (f"https://uri.amap.com/marker?position={location['lng']},{location['lat']}"
                f"&name={quote(lift.get('address') or '')}")
    return f"https://uri.amap.com/search?keyword={quote(_address(lift))}"


def _address(lift: dict[str, Any]) -> str:
    return " ".join(p for p in (lift.get("district"), lift.get("address")) if p)


def lift_location(services: Services, lift: dict[str, Any]) -> dict[str, float] | None:
    """The registered lift's optional {lat, lng} (the registry may not know one)."""
    code = lift.get("registration_code")
    if not code:
        return None
    try:
        return getattr(services.registry.lift(code), "location", None) or None
    except NotFound:  # no lift record: no position, the address still shows
        return None


def who(event: Any, rescuer: Rescuer, names: dict[str, str]) -> str:
    """By whom, as the page may say it: you, a rescuer named on this ticket, or the desk."""
    actor = event.actor or ""
    if actor == rescuer.actor:
        return "您 (you)"
    if actor.startswith("rescuer:"):
        return names.get(actor.removeprefix("rescuer:"), "其他救援人员 (another rescuer)")
    return "调度中心 (operator desk)"


def what(event: Any, step: str, causes: Any) -> str:
    if step == "accept":
        return f"接单人 {event.responder.get('name')}"
    if step == "arrive":
        proof = Proof(event.proof)
        distance = (event.proof_detail or {}).get("distance_m")
        far = f"，距电梯 {distance:g} 米" if distance is not None else ""
        return f"{PROOF_ZH[proof]} ({proof.value}){far}"
    if step == "release":
        return f"解救 {event.released_count} 人"
    return f"故障原因 {causes.describe(event.cause_root, event.cause_sub) or event.cause_root}"


def records(services: Services, rescuer: Rescuer) -> dict[str, dict[str, Any]]:
    """Each step's latest record on this ticket: when, by whom, what."""
    history = list(services.tickets.history(rescuer.ticket.id))
    names = {e.responder.get("worker_id"): e.responder.get("name") for e in history
             if type(e).__name__ == "ResponderAssigned" and e.responder.get("worker_id")}
    done: dict[str, dict[str, Any]] = {}
    for event in history:
        step = EVENT_STEP.get(type(event).__name__)
        if step:
            done[step] = {"at": event.occurred_at, "by": who(event, rescuer, names),
                          "what": what(event, step, services.tickets.causes)}
    return done


def page_model(services: Services, rescuer: Rescuer, link: str) -> dict[str, Any]:
    """Everything the template shows, for this ticket only."""
    ticket, settings = rescuer.ticket, services.settings
    lift = ticket.lift or {}
    location = lift_location(services, lift)
    scanned = rescuer.link.scanned_code is not None and \
        rescuer.link.scanned_code == lift.get("registration_code")
    return {
        "link": link, "ticket_no": ticket.ticket_no, "address": _address(lift) or "—",
        "using_unit": lift.get("using_unit_name") or "—", "lift_code": ticket.lift_code,
        "trapped": ticket.trapped_count, "received_at": ticket.times[Node.RECEIVED],
        "map_url": map_url(lift, location), "caller": person(services.personal_data,
                                                              ticket.caller, "phone"),
        "desk_phone": settings.operator_desk_phone, "done": records(services, rescuer),
        "steps": STEPS, "scanned": scanned, "has_location": location is not None,
        "worker_name": rescuer.worker.get("name"),
        "causes": services.tickets.causes.choices() if services.tickets.causes else [],
    }
