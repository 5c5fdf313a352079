"""`liftrescue` command line: dev (embedded everything), serve ROLE (production)."""

import argparse
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import structlog
import uvicorn

from adapters.cli import audit as cli_audit
from adapters.cli import import_csv as cli_import
from adapters.cli import kafka as cli_kafka
from adapters.cli import load as cli_load
from adapters.cli import migrate as cli_migrate
from adapters.cli import pii as cli_pii
from adapters.cli import projections as cli_projections
from adapters.cli import report as cli_report
from adapters.cli import schemas as cli_schemas
from adapters.cli import tokens as cli_tokens
from adapters.cli import upstream as cli_upstream
from adapters.cli import users as cli_users
from adapters.runtime import roles as workers
from adapters.bootstrap import Services, bootstrap
from adapters.http.main import create_app
from adapters.http.public.rate_limit import proxy_options
from adapters.metrics import serve_role_metrics, share_between_workers
from adapters.runtime.broker import start_dev_broker
from adapters.runtime.devlock import claim_port, hold_dev_lock
from adapters.runtime.embedded import database_url_for
from adapters.runtime.logging import configure_logging
from adapters.runtime.audit_key import audit_key
from adapters.runtime.pii_key import pii_key
from adapters.runtime.settings import Settings

log = structlog.get_logger("liftrescue")
# Open console streams (SSE) would otherwise hold a shutdown until they end by themselves.
GRACE_SECONDS = 10


def _serve_api(services: Services, sock: socket.socket) -> None:
    """The API and every role in threads, on services built once (dev)."""
    settings = services.settings

    def started() -> Services:
        workers.start_all(services)
        return services

    config = uvicorn.Config(create_app(started), host=settings.host, port=settings.port,
                            log_config=None, access_log=False,
                            timeout_graceful_shutdown=GRACE_SECONDS,
                            **proxy_options(settings.trusted_proxies))
    uvicorn.Server(config).run(sockets=[sock])


def _serve_api_processes(settings: Settings) -> None:
    """Production API: the factory runs in every worker process."""
    share_between_workers(settings.api_workers)  # one /metrics whichever worker answers
    uvicorn.run("adapters.http.asgi:create", factory=True, host=settings.host,
                port=settings.port, workers=settings.api_workers, log_config=None,
                access_log=False, timeout_graceful_shutdown=GRACE_SECONDS,
                **proxy_options(settings.trusted_proxies))


def _serve_role(settings: Settings, database_url: str, role: str) -> None:
    services = bootstrap(settings, database_url)
    serve_role_metrics(settings.metrics_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        workers.ROLES[role](services, stop)
    finally:
        services.close()


def dev_public_url(settings: Settings) -> Settings:
    """Unless configured, links texted or printed in dev (rescuer SMS, QR labels) point at the
    port dev serves on, not the default 8000."""
    if "public_base_url" in settings.model_fields_set:
        return settings
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return settings.model_copy(update={"public_base_url": f"http://{host}:{settings.port}"})


def cmd_dev(args: argparse.Namespace, settings: Settings) -> None:
    """Embedded PostgreSQL + the API on one machine, data kept under the state folder."""
    if args.port:
        settings = settings.model_copy(update={"port": args.port})
    settings = dev_public_url(settings)
    # Refuse before starting anything: a second dev on this state folder, or a busy port.
    lock = hold_dev_lock(settings.state_dir, settings.port)  # noqa: F841 - held until exit
    sock = claim_port(settings.host, settings.port)
    url = database_url_for(settings)
    if not settings.kafka_bootstrap:
        settings = settings.model_copy(update={"kafka_bootstrap": start_dev_broker(settings)})
    services = bootstrap(settings, url)  # once: migrations, then every service and role
    try:
        token = _dev_admin_token(services)
        if args.demo:
            _seed_demo(services)
    except BaseException:
        services.close()
        raise
    base = f"http://{settings.host}:{settings.port}"
    print(f"LiftRescue dev: API on {base} "
          f"(docs at /docs), state in {settings.state_dir.resolve()}\n"
          f"admin token: {token}\n"
          f"  (also in {settings.state_dir / 'admin-token'}; "
          f"curl -H 'Authorization: Bearer {token[:6]}…')\n"
          f"console: {base}/console — log in with the admin token above"
          f"{_other_logins(settings, args.demo)}\n"
          f"Kafka bootstrap: {settings.kafka_bootstrap}", flush=True)
    _serve_api(services, sock)


def _other_logins(settings: Settings, demo: bool) -> str:
    """The banner's other ways in: demo tokens (--demo) and password users."""
    ways = [f"; demo operator, unit and auditor tokens in {settings.state_dir / 'demo-tokens'}"
            ] if demo else []
    ways.append("; people get a password login with `liftrescue users create --username "
                "NAME --role operator` (same LIFTRESCUE_STATE_DIR)")
    return "".join(ways)


def _seed_demo(services: Services) -> None:
    from adapters.cli import demo

    state_dir = services.settings.state_dir
    made = demo.seed(services, state_dir)
    tokens = state_dir / "demo-tokens"
    print(("demo data seeded" if made else "demo data already present") +
          (f"; log in as operator, unit or auditor with the tokens in {tokens}"
           if tokens.exists() else ""), flush=True)


def _dev_admin_token(services: Services) -> str:
    """Reuse the dev admin token kept in the state folder, or issue a new one."""
    path = services.settings.state_dir / "admin-token"
    if path.exists() and services.tokens.verify(path.read_text().strip()):
        return path.read_text().strip()
    token, _ = services.tokens.create(role="admin", name="dev")
    path.write_text(token)
    path.chmod(0o600)
    return token


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    """Production roles; they require an external database (and the dispatcher a real gateway)."""
    settings.require_production_safe()
    if settings.environment == "production":
        audit_key(settings)  # refuses before any worker process starts (docs/AUDIT.md)
        pii_key(settings)  # likewise: phone numbers are never stored unencrypted
    if args.role == "dispatcher":
        # `serve` is the production command: an unset LIFTRESCUE_ENVIRONMENT does not excuse a
        # dispatcher whose SMS would reach nobody.
        explicit = "environment" in settings.model_fields_set
        (settings if explicit else settings.model_copy(update={"environment": "production"})
         ).require_sms_gateway()
    assert settings.database_url is not None
    if args.role == "api":
        _serve_api_processes(settings)
    else:
        _serve_role(settings, settings.database_url, args.role)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> None:
    """Measure against raw anchors on this machine; print the table and write JSON."""
    try:
        from bench import runner
    except ImportError as exc:  # the bench extra is not installed
        raise SystemExit(f"liftrescue bench needs {exc.name}: pip install 'liftrescue[bench]'") from exc

    report = runner.run(args.quick, args.json, args.workers)
    runner.print_table(report)
    print(f"\nwritten to {args.json}")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="liftrescue", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run everything locally on embedded defaults")
    dev.add_argument("--port", type=int, default=None)
    dev.add_argument("--demo", action="store_true",
                     help="seed a demo registry and tickets (once) and print demo tokens")
    dev.set_defaults(run=cmd_dev)
    serve = sub.add_parser("serve", help="run one production role")
    serve.add_argument("role", choices=["api", *workers.ROLES])
    serve.set_defaults(run=cmd_serve)
    cli_tokens.register(sub)
    cli_users.register(sub)
    cli_migrate.register(sub)
    cli_pii.register(sub)
    cli_audit.register(sub)
    cli_import.register(sub)
    cli_projections.register(sub)
    cli_report.register(sub)
    cli_kafka.register(sub)
    cli_schemas.register(sub)
    cli_upstream.register(sub)
    cli_load.register(sub)
    bench = sub.add_parser("bench", help="measure throughput and latency against raw anchors")
    bench.add_argument("--quick", action="store_true", help="short runs (under a minute)")
    bench.add_argument("--workers", type=int, default=1,
                       help="API worker processes (1 is fastest on 2 cores: see docs/BENCHMARKS.md)")
    bench.add_argument("--json", type=Path, default=Path("bench/results/latest.json"))
    bench.set_defaults(run=cmd_bench)
    return top


def main(argv: Sequence[str] | None = None) -> None:
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting normally here lets atexit
    # stop the embedded PostgreSQL instead of leaving it running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    args = parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        args.run(args, settings)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
