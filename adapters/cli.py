"""`liftrescue` command line: dev (embedded everything), serve ROLE (production)."""

import argparse
import sys
from collections.abc import Sequence

import structlog
import uvicorn

from adapters.bootstrap import bootstrap
from adapters.http.main import create_app
from adapters.runtime.embedded import start_postgres
from adapters.runtime.logging import configure_logging
from adapters.runtime.settings import Settings

log = structlog.get_logger("liftrescue")


def _serve_api(settings: Settings, database_url: str) -> None:
    app = create_app(lambda: bootstrap(settings, database_url))
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)


def cmd_dev(args: argparse.Namespace, settings: Settings) -> None:
    """Embedded PostgreSQL + the API on one machine, data kept under the state folder."""
    if args.port:
        settings.port = args.port
    url = settings.database_url or start_postgres(settings.state_dir)
    print(f"LiftRescue dev: API on http://{settings.host}:{settings.port} "
          f"(docs at /docs), state in {settings.state_dir.resolve()}", flush=True)
    _serve_api(settings, url)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    """Production roles; they require an external database."""
    settings.require_production_safe()
    assert settings.database_url is not None
    if args.role == "api":
        _serve_api(settings, settings.database_url)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="liftrescue", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run everything locally on embedded defaults")
    dev.add_argument("--port", type=int, default=None)
    dev.set_defaults(run=cmd_dev)
    serve = sub.add_parser("serve", help="run one production role")
    serve.add_argument("role", choices=["api"])
    serve.set_defaults(run=cmd_serve)
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
