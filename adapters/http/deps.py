"""Request-scoped dependencies: services, the acting principal, command context.

All async (none does I/O): FastAPI runs a sync dependency in the thread pool, one hop each."""

from typing import Annotated

import structlog
from fastapi import Depends, Header, Request
from starlette.exceptions import HTTPException

from adapters.bootstrap import Services
from adapters.http.auth import authenticate, unit_scope
from adapters.postgres.tokens import Principal
from dispatch.commands import Context
from dispatch.tickets import TicketApp


async def get_services(request: Request) -> Services:
    return request.app.state.services


async def get_tickets(request: Request) -> TicketApp:
    return request.app.state.services.tickets


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise HTTPException(400, 'If-Match must be a version ETag such as "3"')
    return int(raw)


async def get_context(principal: Annotated[Principal, Depends(authenticate)],
                if_match: Annotated[str | None, Header()] = None) -> Context:
    """Actor = the token's subject; unit tokens are confined to their unit's tickets."""
    correlation_id = structlog.contextvars.get_contextvars().get("correlation_id", "")
    return Context(actor=principal.subject, correlation_id=correlation_id,
                   expected_version=_expected_version(if_match), unit_id=unit_scope(principal))


ServicesDep = Annotated[Services, Depends(get_services)]
TicketsDep = Annotated[TicketApp, Depends(get_tickets)]
ContextDep = Annotated[Context, Depends(get_context)]
