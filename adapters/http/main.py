"""Builds the FastAPI app; services come from the lifespan (or are handed in by tests)."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from adapters.bootstrap import Services
from adapters.http import middleware, problems
from adapters.http.console import (
    board, contacts_panel, gap_pages, lift_pages, manager_pages, pages, registry_pages,
    station_forms, unit_forms, users_pages,
)
from adapters.http.console import monthly_reports as console_monthly
from adapters.http.console import reports as console_reports
from adapters.http.console import risk as console_risk
from adapters.http.console import search as console_search
from adapters.http.console.rendering import build_templates
from adapters.http.public import labels as public_labels
from adapters.http.public import pages as public_pages
from adapters.http.rescuer import routes as rescuer_routes
from adapters.http.rescuer import stats as rescuer_stats
from adapters.http.routes import (
    alarms, audit, contacts, dossier, health, lifts, metrics, monthly_reports, notifications,
    reports, risk, safety_managers, sms_receipts, stations, tickets, units,
)
from adapters.province import routes as province

# Every resource's router; new resources add theirs here. The QR label sheet comes before
# lifts.router, whose /v1/lifts/{code} would take /v1/lifts/qr-sheet.
ROUTERS = [
    public_labels.router, alarms.router, reports.router, tickets.router, dossier.router,
    units.router, stations.router, lifts.router, notifications.router, sms_receipts.router,
    audit.router, health.router, metrics.router, contacts.router, pages.router, board.router,
    console_reports.router, registry_pages.router, users_pages.router, console_search.router,
    contacts_panel.router, province.router,
    rescuer_routes.router, rescuer_stats.router,  # issue 17: the rescuer's phone
    monthly_reports.router, console_monthly.router,  # issue 16 item 5
    safety_managers.router, lift_pages.router, manager_pages.router,  # issue 15 items 4-7
    unit_forms.router, station_forms.router, gap_pages.router,  # issue 15 items 1, 2, 8
    public_pages.router, risk.router, console_risk.router,  # issue 16 items 6-8
]
STATIC = Path(__file__).parent / "console" / "static"

DESCRIPTION = """Event-sourced dispatch for elevator entrapments: alarms become tickets,
stations are notified, rescuers tracked until passengers are out. Errors are RFC 9457
problem details; commands accept `If-Match` and `Idempotency-Key`."""


def create_app(build_services: Callable[[], Services]) -> FastAPI:
    """The API; `build_services` runs in the lifespan so nothing connects at import time."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services()
        app.state.services = services
        app.state.templates = build_templates(services.settings.timezone)
        try:
            yield
        finally:
            services.close()

    app = FastAPI(title="LiftRescue", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan)
    problems.install(app)
    middleware.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    # Where a newcomer types: the board, which sends a caller without a session to the login.
    for entry in ("/", "/console", "/console/"):
        app.add_api_route(entry, lambda: RedirectResponse("/console/board"),
                          include_in_schema=False)
    return app
