"""The composition root: builds every service from Settings (called by entry points and tests)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from psycopg_pool import ConnectionPool

from adapters import reference
from adapters.http.public.rate_limit import TokenBuckets
from adapters.postgres.audit_chain import PostgresAuditChain
from adapters.postgres.connection import eventsourcing_env, open_pool
from adapters.postgres.console_sessions import ConsoleSessions
from adapters.postgres.console_users import ConsoleUsers
from adapters.postgres.group_commit import GroupCommit
from adapters.postgres.idempotency import IdempotencyStore
from adapters.postgres.login_throttle import LoginThrottle
from adapters.postgres.migrations import runner as migrations
from adapters.postgres.migrations.views import VIEWS
from adapters.postgres.personal_data import PersonalDataStore
from adapters.postgres.rescuer_links import links_store
from adapters.postgres.registry_queries import RegistryQueries
from adapters.postgres.schema_lock import schema_lock
from adapters.postgres.ticket_numbers import PostgresTicketNumbers
from adapters.postgres.ticket_queries import TicketQueries
from adapters.postgres.tokens import TokenStore
from adapters.postgres.views.deadlines import DeadlineQueries
from adapters.runtime.audit_key import audit_key
from adapters.runtime.pii_key import pii_key
from adapters.runtime.settings import Settings
from adapters.sms.outbox import HttpGateway, LogGateway, SmsOutbox
from dispatch.dispatcher import Dispatcher
from dispatch.lift_directory import RegistryLiftDirectory
from dispatch.registry import Catalogue, RegistryApp
from dispatch.tickets import TicketApp

if TYPE_CHECKING:
    from adapters.kafka.intake import Intake
    from adapters.kafka.relay import Relay
    from adapters.kafka.upstream_push import UpstreamPush
    from adapters.kafka.upstream_relay import UpstreamRelay
    from adapters.projection_runtime.supervisor import Supervisor
    from adapters.province.consumer import ProvinceConsumer
    from adapters.runtime.audit_checkpoints import CheckpointWriter
    from adapters.reports.schedule import MonthlySchedule


@dataclass
class Services:
    settings: Settings
    database_url: str
    env: dict[str, str]
    pool: ConnectionPool
    tickets: TicketApp
    registry: RegistryApp
    registry_queries: RegistryQueries
    ticket_queries: TicketQueries
    idempotency: IdempotencyStore
    tokens: TokenStore
    audit: PostgresAuditChain
    sessions: ConsoleSessions
    sms: SmsOutbox
    deadlines: DeadlineQueries
    dispatcher: Dispatcher
    users: ConsoleUsers
    login_throttle: LoginThrottle
    personal_data: PersonalDataStore
    public_buckets: TokenBuckets = field(default_factory=lambda: TokenBuckets(60))
    on_close: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Stop background roles first, then release connections."""
        for callback in self.on_close:
            callback()
        self.tickets.close()
        self.tickets.numbers.close()
        self.registry.close()
        self.pool.close()


def bootstrap(settings: Settings, database_url: str | None = None) -> Services:
    """Connect to PostgreSQL, apply pending migrations, and build the applications."""
    url = database_url or settings.database_url
    if not url:
        raise ValueError("no database URL: start embedded PostgreSQL or set "
                         "LIFTRESCUE_DATABASE_URL")
    key = audit_key(settings)
    pii_key(settings)  # production refuses to start without it, before touching anything
    # Roles started together on a fresh database would collide creating tables: take turns.
    with schema_lock(url) as conn:
        migrations.migrate(conn, key)
        return _build(settings, url, key)


def _build(settings: Settings, url: str, key: bytes) -> Services:
    pool = open_pool(url, size=settings.db_pool_size, name="liftrescue")
    env = eventsourcing_env(url, pool_size=settings.db_pool_size,
                            lock_timeout=settings.db_lock_timeout_seconds)
    queries = RegistryQueries(pool)
    personal_data = PersonalDataStore(pool, pii_key(settings))
    personal_data.key_fits()  # a wrong key is logged (personal_data_unreadable) at start
    registry = RegistryApp(env, catalogue=Catalogue(reference.districts(),
                                                    reference.site_types()),
                           lifts_of_using_unit=queries.lift_codes_of_using_unit,
                           lifts_with_rescue_code=queries.lifts_with_rescue_code,
                           units_with_code=queries.units_with_code,
                           personal_data=personal_data)
    tickets = TicketApp(env, numbers=PostgresTicketNumbers(url, settings.timezone),
                        causes=reference.FaultCauseTable(),
                        lifts=RegistryLiftDirectory(registry, queries.code_for_rescue_code),
                        saver=GroupCommit if settings.group_commit else None,
                        link_window=timedelta(minutes=settings.link_window_minutes),
                        personal_data=personal_data)
    audit = PostgresAuditChain(tickets.recorder.datastore, key=key,
                               grace_seconds=settings.audit_grace_seconds)
    # eventsourcing's own tables (events above, tracking here) are the library's: see
    # docs/OPERATIONS.md "Migrations". Readers ask the tracking tables how far views are.
    for recorder in (audit, *(view(tickets.recorder.datastore) for view in VIEWS)):
        recorder.create_table()
    if settings.sms_gateway == "http" and not settings.sms_http_url:
        raise ValueError(settings.sms_problem())  # never fall back to a gateway that tells nobody
    gateway = (HttpGateway(settings.sms_http_url) if settings.sms_gateway == "http"
               and settings.sms_http_url else LogGateway())
    tokens, sms, deadlines = TokenStore(pool), SmsOutbox(pool, gateway), DeadlineQueries(pool)
    dispatcher = Dispatcher(tickets=tickets, registry=registry, deadlines=deadlines, sms=sms,
                            stations_covering=queries.stations_covering,
                            accept_timeout=settings.accept_timeout_seconds,
                            overtime_minutes=settings.overtime_minutes,
                            arrival_limits=settings.arrival_limits(),
                            personal_data=personal_data,
                            links=links_store(pool, settings).issue)
    return Services(settings=settings, database_url=url, env=env, pool=pool, tickets=tickets,
                    registry=registry, registry_queries=queries,
                    ticket_queries=TicketQueries(pool, settings.timezone,
                                                 settings.arrival_limits()),
                    idempotency=IdempotencyStore(pool), tokens=tokens, audit=audit,
                    sessions=ConsoleSessions(
                        pool, tokens, idle=timedelta(minutes=settings.session_idle_minutes),
                        lifetime=timedelta(hours=settings.session_hours)),
                    sms=sms, deadlines=deadlines, dispatcher=dispatcher, users=ConsoleUsers(pool),
                    public_buckets=TokenBuckets(settings.public_rate_per_minute),
                    personal_data=personal_data,
                    login_throttle=LoginThrottle(
                        pool, per_user=settings.login_max_failures,
                        per_client=settings.login_max_failures_per_client,
                        window=timedelta(minutes=settings.login_window_minutes)))


# What a background role runs, built when it starts (adapters/runtime/roles.py): kafka-python
# and the projection runtime load only in the processes that run them.
def build_relay(services: Services) -> "Relay":
    """The `relay` role: the ticket log to the events topic, from its stored position."""
    from adapters.kafka.relay import Relay

    return Relay(services.tickets, services.pool, services.settings)


def build_intake(services: Services) -> "Intake":
    """The `intake` role: the alarms topic to ticket commands, bad messages to the DLQ."""
    from adapters.kafka.intake import Intake

    return Intake(services.tickets, services.pool, services.settings)


def build_supervisor(services: Services) -> "Supervisor":
    """The `projections` role: one runner per catalogued view."""
    from adapters.projection_runtime.supervisor import Supervisor, catalogue

    return Supervisor(catalogue(), services.env, services.database_url)


def build_checkpoints(services: Services) -> "CheckpointWriter":
    """Beside the `audit-chain` role: signed chain heads kept outside the database."""
    from adapters.runtime.audit_checkpoints import CheckpointWriter

    return CheckpointWriter(services.audit, services.settings)


def build_report_schedule(services: Services) -> "MonthlySchedule":
    """Beside the `dispatcher` role: the previous month's reports, stored from the 1st."""
    from adapters.reports.schedule import MonthlySchedule

    return MonthlySchedule(services.pool, services.settings)


def build_upstream(services: Services) -> list["UpstreamRelay | UpstreamPush"]:
    """The `upstream` role: ticket and lift records (数据归集), one tracked relay per log (and
    one HTTP pusher per log when LIFTRESCUE_UPSTREAM_HTTP_URL is set)."""
    from adapters.kafka.upstream_push import http_pushes
    from adapters.kafka.upstream_relay import UpstreamRelay, lift_records, ticket_records

    settings, pool = services.settings, services.pool
    tickets, lifts = (ticket_records(services.tickets, settings, services.registry),
                      lift_records(services.registry, settings))
    return [UpstreamRelay(services.tickets, pool, settings, name="upstream-tickets",
                          build=tickets),
            UpstreamRelay(services.registry, pool, settings, name="upstream-lifts", build=lifts),
            *http_pushes(services.tickets, services.registry, pool, settings, (tickets, lifts))]


def build_province(services: Services) -> "ProvinceConsumer":
    """The `province` role (its own database): the cities' upstream topics to statistics."""
    from adapters.province.consumer import ProvinceConsumer

    return ProvinceConsumer(services.pool, services.settings)
