"""ASGI factory for `uvicorn --factory` (several worker processes build their own services)."""

from fastapi import FastAPI

from adapters.bootstrap import bootstrap
from adapters.http.main import create_app
from adapters.runtime.logging import configure_logging
from adapters.runtime.settings import Settings


def create() -> FastAPI:
    """Build the app from LIFTRESCUE_* settings; each worker process calls this once."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(lambda: bootstrap(settings))
