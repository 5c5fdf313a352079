"""audit_chain keyed: one chain per application, each link naming its hash (issue 12).

Older chains covered only the ticket log with plain SHA-256: the table gains `application` and
`kind`, then every unkeyed chain that still verifies is re-chained with the audit key.
"""

import structlog
from psycopg import Connection
from psycopg.sql import SQL, Identifier

from adapters.postgres import audit_chain_upgrade

log = structlog.get_logger(__name__)

KEYED = ("CREATE TABLE {0}.audit_chain (application text NOT NULL, "
         "notification_id bigint NOT NULL, "
         "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
         "record_hash text NOT NULL, chain_hash text NOT NULL, kind text NOT NULL, "
         "PRIMARY KEY (application, notification_id))")


def apply(conn: Connection, audit_key: bytes) -> None:
    schema = conn.execute("SELECT current_schema() AS schema").fetchone()["schema"]
    if not audit_chain_upgrade.has_kind_column(conn, schema) and _empty(conn, schema):
        # Nothing chained yet (a new database): the keyed shape, columns in their usual order.
        conn.execute(_q("DROP TABLE {0}.audit_chain", schema))
        conn.execute(_q(KEYED, schema))
    elif not audit_chain_upgrade.has_kind_column(conn, schema):
        conn.execute(_q("ALTER TABLE {0}.audit_chain "
                        "ADD COLUMN application text NOT NULL DEFAULT 'tickets', "
                        "ADD COLUMN kind text NOT NULL DEFAULT 'sha256', "
                        "DROP CONSTRAINT audit_chain_pkey, "
                        "ADD PRIMARY KEY (application, notification_id)", schema))
        conn.execute(_q("ALTER TABLE {0}.audit_chain ALTER COLUMN application DROP DEFAULT, "
                        "ALTER COLUMN kind DROP DEFAULT", schema))
        log.warning("audit_chain_table_upgraded", columns=["application", "kind"])
    # Tiny (empty once re-keyed): finding unkeyed links never scans the chain.
    conn.execute(_q("CREATE INDEX IF NOT EXISTS audit_chain_unkeyed ON {0}.audit_chain "
                    "(application) WHERE kind = 'sha256'", schema))
    audit_chain_upgrade.rekey_unkeyed(conn, schema, audit_key)


def _empty(conn: Connection, schema: str) -> bool:
    return not conn.execute(_q("SELECT EXISTS (SELECT 1 FROM {0}.audit_chain) AS any",
                               schema)).fetchone()["any"]


def _q(text: str, schema: str) -> SQL:
    return SQL(text).format(Identifier(schema))
