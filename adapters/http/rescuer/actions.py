"""A rescuer's tap → the same ticket command (and the same body checks) the API runs."""

import math
from dataclasses import replace
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from adapters.bootstrap import Services
from adapters.http.closing_schemas import ReleaseBody
from adapters.http.rescuer.access import Rescuer
from adapters.http.rescuer.page import lift_location
from adapters.http.schemas import AtBody, FaultReportBody
from dispatch.alarm_intake import Outcome
from dispatch.commands import (
    ArriveOnSite,
    AssignResponder,
    Context,
    FileFaultReport,
    ReleasePassengers,
    TicketCommand,
)
from dispatch.errors import ConcurrentUpdate, VersionMismatch
from dispatch.personal_data import full_number
from domain.arrival import Proof, gps_arrival
from domain.errors import InvalidTransition, InvalidValue

ACTIONS = ("accept", "arrive", "release", "fault")


def _body(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """The API's own body model, so a tap is checked exactly as an API call is."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


def _count(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


def position(data: dict[str, Any]) -> dict[str, float] | None:
    """The phone's {lat, lng, accuracy}, or None when it sent none (or nonsense)."""
    raw = data.get("position")
    if not isinstance(raw, dict):
        return None
    try:
        lat, lng = float(raw["lat"]), float(raw["lng"])
        accuracy = float(raw["accuracy"]) if raw.get("accuracy") is not None else None
    except (KeyError, TypeError, ValueError):
        raise InvalidValue("position needs numeric lat and lng", field="position",
                           zh="位置须含数字经纬度") from None
    numbers = (lat, lng) if accuracy is None else (lat, lng, accuracy)  # NaN compares False
    if not all(map(math.isfinite, numbers)) or not (-90 <= lat <= 90 and -180 <= lng <= 180) \
            or (accuracy is not None and accuracy < 0):
        raise InvalidValue("position out of range", field="position", zh="位置超出范围")
    return {"lat": lat, "lng": lng, "accuracy": accuracy}


def arrival_proof(services: Services, rescuer: Rescuer,
                  data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """qr_scan when this phone opened the lift's label; gps when its position is near the
    lift; otherwise reported (a far position keeps its distance, never as proof)."""
    lift = rescuer.ticket.lift or {}
    code = lift.get("registration_code")
    link = rescuer.link
    if code and link.scanned_code == code and link.scanned_at is not None:
        return Proof.QR_SCAN.value, {"code": code, "scanned_at": link.scanned_at.isoformat()}
    where = position(data)
    if where is not None:
        return gps_arrival(where, lift_location(services, lift),
                           services.settings.arrival_gps_within_m)
    return Proof.REPORTED.value, {"source": "rescuer"}


def command_for(services: Services, rescuer: Rescuer, action: str,
                data: dict[str, Any]) -> TicketCommand:
    """The ticket command for the tap; InvalidValue/validation errors name the field."""
    ticket_id, at = rescuer.ticket.id, {"at": data.get("at")}
    if action == "accept":
        taken = rescuer.ticket.responder
        if taken:  # by another worker, the desk, or this phone before: once
            raise InvalidTransition(f"already accepted by {taken.get('name')}",
                                    zh=f"已由 {taken.get('name')} 接单")
        number, _ = full_number(services.personal_data, rescuer.worker, "mobile")
        responder = {"name": rescuer.worker.get("name"), "worker_id": rescuer.link.worker_id,
                     "mobile": number or rescuer.worker.get("mobile")}
        return AssignResponder(ticket_id=ticket_id, at=_body(AtBody, at).at, responder=responder)
    if action == "arrive":
        proof, detail = arrival_proof(services, rescuer, data)
        return ArriveOnSite(ticket_id=ticket_id, at=_body(AtBody, at).at, proof=proof,
                            proof_detail=detail)
    if action == "release":
        count = data.get("released_count")
        body = _body(ReleaseBody, {
            **at, "released_by": "rescuer", "rescue_method": data.get("rescue_method") or None,
            "rescue_note": data.get("rescue_note") or None,
            "released_count": rescuer.ticket.trapped_count or 0 if count in (None, "")
            else _count(count)})
        return ReleasePassengers(ticket_id=ticket_id, **body.command_fields())
    root, _, sub = str(data.get("cause") or "").partition("/")
    body = _body(FaultReportBody, {**at, "cause": {"root": root, "sub": sub},
                                   "description": data.get("description") or ""})
    return FileFaultReport(ticket_id=ticket_id, **body.command_fields())


def record(services: Services, rescuer: Rescuer, action: str, data: dict[str, Any],
           ctx: Context) -> Outcome:
    """Run the tap. An accept is saved only on the ticket version it was checked against: of
    two workers tapping at once one wins, the other is told who (never a second assignment)."""
    if action != "accept":
        return services.tickets.handle(command_for(services, rescuer, action, data), ctx)
    for _ in range(3):
        cmd = command_for(services, rescuer, action, data)  # refuses once someone accepted
        try:
            return services.tickets.handle(cmd, replace(ctx, expected_version=
                                                        rescuer.ticket.version))
        except VersionMismatch:  # something was saved meanwhile: check again on the new state
            rescuer = replace(rescuer, ticket=services.tickets.ticket(rescuer.ticket.id))
    raise ConcurrentUpdate("工单一直在变化，请重试 (ticket kept changing; tap again)")
