"""The ticket page's contacts panel (loaded by htmx): full numbers as tel: links, never for
auditors; a unit sees only its own tickets' (another unit's answers 404)."""

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adapters.http.auth import unit_scope
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsolePrincipal
from adapters.http.deps import RegistryDep, ServicesDep, TicketsDep
from dispatch.personal_data import ticket_contacts

router = APIRouter(prefix="/console", include_in_schema=False)
# Who is who, in the order an operator calls them.
ROLES = [("caller", "报警人 Caller"), ("responder", "响应人 Responder"),
         ("station_lead", "救援站负责人 Station lead"),
         ("unit_emergency_lead", "维保单位应急负责人 Unit emergency lead"),
         ("safety_manager", "安全管理员 Safety manager")]
WORKERS = "救援人员 Station worker"


@router.get("/tickets/{ticket_id}/contacts")
def contacts_panel(request: Request, ticket_id: UUID, principal: ConsolePrincipal,
                   tickets: TicketsDep, registry: RegistryDep,
                   services: ServicesDep) -> HTMLResponse:
    if principal.role == "auditor":
        return HTMLResponse("审计员不可查看完整号码 (auditors see masked numbers only)",
                            status_code=403)
    ticket = tickets.ticket(ticket_id, unit_id=unit_scope(principal))
    found = ticket_contacts(ticket, registry, services.personal_data)
    rows = [(label, found[key]) for key, label in ROLES[:3] if found[key]]
    rows += [(WORKERS, worker) for worker in found["station_workers"]]
    rows += [(label, found[key]) for key, label in ROLES[3:] if found[key]]
    return render(request, "_contacts_list.html", rows=rows)
