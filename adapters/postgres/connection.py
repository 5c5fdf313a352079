"""PostgreSQL connection settings for psycopg pools and the eventsourcing recorders."""

from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool


def eventsourcing_env(url: str, *, pool_size: int, lock_timeout: int) -> dict[str, str]:
    """Translate a libpq URL into the eventsourcing POSTGRES_* environment."""
    info = conninfo_to_dict(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(info.get("dbname", "postgres")),
        "POSTGRES_HOST": str(info.get("host", "localhost")),
        "POSTGRES_PORT": str(info.get("port", "5432")),
        "POSTGRES_USER": str(info.get("user", "postgres")),
        "POSTGRES_PASSWORD": str(info.get("password", "")),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(pool_size),
        "POSTGRES_LOCK_TIMEOUT": str(lock_timeout),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        # No ping per checkout (a round trip per query); a broken connection fails the request
        # (503, Retry-After) and the pool replaces it.
        "POSTGRES_PRE_PING": "n",
        # Not the stored insert function, though it appends faster: in eventsourcing 9.5 it is
        # named per schema, not per table (two applications would write into one table), and it
        # skips the table lock that makes notification ids commit in order for followers.
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
    }


def open_pool(url: str, *, size: int, name: str) -> ConnectionPool:
    """A small pool for our own tables (ticket numbers, idempotency keys, views)."""
    pool = ConnectionPool(url, min_size=1, max_size=size, name=name, open=False, timeout=10)
    pool.open(wait=True, timeout=30)
    return pool
