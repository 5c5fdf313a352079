"""The console's release, callback (回访确认) and close forms: rescue method from the reference
table, the callback once after release, a close that asks for a reason without a callback."""

from dataclasses import replace
from typing import Any
from uuid import UUID

from adapters.http.closing_schemas import CallbackBody, CloseBody, ReleaseBody
from adapters.reference import rescue_methods
from dispatch.commands import CloseTicket, ConfirmCallback, ReleasePassengers, TicketCommand

RESCUE_METHOD_CHOICES = [(code, f"{code} {name}") for code, name in rescue_methods().items()]
CONFIRMED_BY_CHOICES = [("trapped_person", "被困人员 trapped person"),
                        ("using_unit", "使用单位 using unit")]


def with_close_loop(ticket: Any, offered: list[Any]) -> list[Any]:
    """No callback form once confirmed; the close form asks a reason only without a callback."""
    confirmed = getattr(ticket, "callback", None) is not None
    if confirmed:
        offered = [a for a in offered if a.name != "callback"]
    return [replace(a, fields=[]) if a.name == "close" and confirmed else a for a in offered]


def _text(form: dict[str, str], name: str) -> str | None:
    return form.get(name, "").strip() or None


def close_loop_command(name: str, ticket_id: UUID, form: dict[str, str]) -> TicketCommand:
    """The form, checked by the API's own body, as its command (ValidationError names the field)."""
    if name == "release":
        body = ReleaseBody(released_count=int(form.get("released_count") or "0"),
                           released_by=form.get("released_by", "rescuer"),
                           rescue_method=_text(form, "rescue_method"),
                           rescue_note=_text(form, "rescue_note"))
        return ReleasePassengers(ticket_id=ticket_id, **body.command_fields())
    if name == "callback":
        body = CallbackBody(confirmed_by=form.get("confirmed_by", ""), note=_text(form, "note"))
        return ConfirmCallback(ticket_id=ticket_id, **body.command_fields())
    body = CloseBody(without_callback_reason=_text(form, "without_callback_reason"))
    return CloseTicket(ticket_id=ticket_id, **body.command_fields())
