"""Tables of ours beside the event store: created idempotently at start-up."""

from psycopg_pool import ConnectionPool

from adapters.sms.outbox import OUTBOX
from adapters.sms.receipts import RECEIPTS

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS ticket_counters (
        day date PRIMARY KEY,
        last integer NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status integer,
        headers jsonb,
        body bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key))""",
    """CREATE TABLE IF NOT EXISTS api_tokens (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        subject text NOT NULL,
        role text NOT NULL,
        unit_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz)""",
    """CREATE TABLE IF NOT EXISTS console_sessions (
        session_hash text PRIMARY KEY,
        token_id uuid NOT NULL REFERENCES api_tokens (id),
        expires_at timestamptz NOT NULL)""",
    OUTBOX,
    RECEIPTS,
    """CREATE TABLE IF NOT EXISTS kafka_relay_positions (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now())""",
]


def ensure_schema(pool: ConnectionPool) -> None:
    """Create our tables if missing; an advisory lock keeps concurrent starters apart."""
    with pool.connection() as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('liftrescue_schema'))")
        for statement in STATEMENTS:
            conn.execute(statement)
