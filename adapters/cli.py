"""`liftrescue` command line: dev (embedded everything), serve ROLE (production)."""

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

import structlog
import uvicorn

from adapters import cli_kafka, workers
from adapters.bootstrap import Services, bootstrap
from adapters.http.main import create_app
from adapters.runtime.broker import start_dev_broker
from adapters.runtime.embedded import start_postgres
from adapters.runtime.logging import configure_logging
from adapters.runtime.settings import Settings

log = structlog.get_logger("liftrescue")


def _serve_api(settings: Settings, database_url: str, *, with_workers: bool = False) -> None:
    def build() -> Services:
        services = bootstrap(settings, database_url)
        if with_workers:
            stop = threading.Event()
            services.on_close.append(stop.set)
            workers.start_all(services, stop)
        return services

    uvicorn.run(create_app(build), host=settings.host, port=settings.port, log_config=None,
                access_log=False)


def _serve_role(settings: Settings, database_url: str, role: str) -> None:
    services = bootstrap(settings, database_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        workers.ROLES[role](services, stop)
    finally:
        services.close()


def cmd_dev(args: argparse.Namespace, settings: Settings) -> None:
    """Embedded PostgreSQL + the API on one machine, data kept under the state folder."""
    if args.port:
        settings.port = args.port
    url = settings.database_url or start_postgres(settings.state_dir)
    if not settings.kafka_bootstrap:
        settings.kafka_bootstrap = start_dev_broker(settings)
    print(f"LiftRescue dev: API on http://{settings.host}:{settings.port} "
          f"(docs at /docs), state in {settings.state_dir.resolve()}", flush=True)
    print(f"Kafka bootstrap: {settings.kafka_bootstrap}", flush=True)
    _serve_api(settings, url, with_workers=True)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    """Production roles; they require an external database."""
    settings.require_production_safe()
    assert settings.database_url is not None
    if args.role == "api":
        _serve_api(settings, settings.database_url)
    else:
        _serve_role(settings, settings.database_url, args.role)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="liftrescue", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run everything locally on embedded defaults")
    dev.add_argument("--port", type=int, default=None)
    dev.set_defaults(run=cmd_dev)
    serve = sub.add_parser("serve", help="run one production role")
    serve.add_argument("role", choices=["api", *workers.ROLES])
    serve.set_defaults(run=cmd_serve)
    cli_kafka.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        args.run(args, settings)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
