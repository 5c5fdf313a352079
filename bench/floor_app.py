"""The floor anchor (issue 18): the simplest use of the same stack — a FastAPI sync route that
validates the same alarm body (the project's AlarmCreate) and saves one event with the same
eventsourcing persistence settings. No auth, no registry, no ticket number, no group commit.

Run as its own process: `python -m bench.floor_app` with LIFTRESCUE_DATABASE_URL and
LIFTRESCUE_PORT set (bench/anchors.py starts it)."""

import os
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from fastapi import FastAPI

from adapters.http.schemas import AlarmCreate
from adapters.postgres.connection import eventsourcing_env
from adapters.runtime.settings import Settings


class FloorAlarm(Aggregate):
    """One alarm, one event."""

    @event("Received")
    def __init__(self, lift: str, source: str, source_ref: str, body: dict[str, Any]):
        self.lift, self.source, self.source_ref, self.body = lift, source, source_ref, body


class FloorApp(Application[UUID]):
    name = "floor"


def create_app(database_url: str) -> FastAPI:
    settings = Settings(database_url=database_url)
    store = FloorApp(eventsourcing_env(database_url, pool_size=settings.db_pool_size,
                                       lock_timeout=settings.db_lock_timeout_seconds))
    app = FastAPI()

    @app.post("/v1/alarms", status_code=201)
    def receive_alarm(body: AlarmCreate) -> dict[str, Any]:
        alarm = FloorAlarm(body.lift, body.source, body.source_ref,
                           body.model_dump(mode="json", exclude={"lift", "source",
                                                                 "source_ref"}))
        recordings = store.save(alarm)
        return {"ticket_id": str(alarm.id), "notification_id": recordings[-1].notification.id}

    @app.get("/readyz")
    def readyz() -> dict[str, bool]:
        return {"ready": True}

    return app


def main() -> None:
    import uvicorn

    app = create_app(os.environ["LIFTRESCUE_DATABASE_URL"])
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["LIFTRESCUE_PORT"]),
                log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
