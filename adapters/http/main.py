"""Builds the FastAPI app; services come from the lifespan (or are handed in by tests)."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from adapters.bootstrap import Services
from adapters.http import middleware, problems
from adapters.http.routes import alarms, audit, health, tickets

# Every resource's router; new resources add theirs here.
ROUTERS = [alarms.router, tickets.router, audit.router, health.router]

DESCRIPTION = """Event-sourced dispatch for elevator entrapments: alarms become tickets,
stations are notified, rescuers tracked until passengers are out. Errors are RFC 9457
problem details; commands accept `If-Match` and `Idempotency-Key`."""


def create_app(build_services: Callable[[], Services]) -> FastAPI:
    """The API; `build_services` runs in the lifespan so nothing connects at import time."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services()
        app.state.services = services
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
    return app
