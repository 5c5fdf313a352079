"""The one-off upgrade of unkeyed (sha256) audit chains to keyed ones (migration 0003).

Older versions chained only the ticket log, with plain SHA-256. Each unkeyed chain is verified
with plain SHA-256 and, only if it verifies, re-chained with the key (logged). A chain that does
not verify is left as it is, so `audit verify` keeps reporting its links as untrusted.
"""

from collections.abc import Iterator

import structlog
from psycopg import Connection
from psycopg.sql import SQL, Composed, Identifier

from projections.audit_chain import GENESIS, LEGACY, ChainLink, Hasher, StoredRecord, verify

log = structlog.get_logger(__name__)
BATCH = 1000


def rekey_unkeyed(conn: Connection, schema: str, key: bytes) -> None:
    """Re-chain with the key every unkeyed chain that verifies (idempotent; run by migration
    0003 inside its transaction)."""
    if conn.execute(_q("SELECT EXISTS (SELECT 1 FROM {0}.audit_chain WHERE kind = 'sha256')",
                       schema)).fetchone()["exists"]:
        # Readers go on; the chainer waits until the re-keyed chain is committed.
        conn.execute(_q("LOCK TABLE {0}.audit_chain IN EXCLUSIVE MODE", schema))
        for row in conn.execute(_q("SELECT DISTINCT application FROM {0}.audit_chain "
                                   "WHERE kind = %s", schema), (LEGACY,)).fetchall():
            _rekey(conn, schema, row["application"], key)


def _rekey(conn: Connection, schema: str, application: str, key: bytes) -> None:
    keyed = conn.execute(_q("SELECT count(*) FROM {0}.audit_chain WHERE application = %s "
                            "AND kind <> %s", schema), (application, LEGACY)).fetchone()["count"]
    head = conn.execute(_q("SELECT max(notification_id) FROM {0}.audit_chain "
                           "WHERE application = %s", schema), (application,)).fetchone()["max"]
    old = verify(application, _records(conn, schema, application, head),
                 _links(conn, schema, application), Hasher(None), chainer_live=True)
    if keyed or not old.ok:
        log.error("audit_chain_not_rekeyed", application=application,
                  reason="unkeyed chain does not verify" if not old.ok else "mixed chain",
                  problems=old.problem_count, first_problem=old.first_mismatch)
        return
    conn.execute(_q("DELETE FROM {0}.audit_chain WHERE application = %s", schema),
                 (application,))
    links, insert = Hasher(key).extend(GENESIS, _records(conn, schema, application, head)), []
    count = 0
    with conn.cursor() as curs:
        for link in links:
            insert.append((application, *link))
            if len(insert) == BATCH:
                count += _insert(curs, schema, insert)
        count += _insert(curs, schema, insert)
    log.warning("audit_chain_rekeyed", application=application, links=count, position=head,
                note="unkeyed sha256 chain verified, then re-chained with the audit key")


def _insert(curs, schema: str, rows: list[tuple]) -> int:
    curs.executemany(_q("INSERT INTO {0}.audit_chain (application, notification_id, "
                        "originator_id, originator_version, record_hash, chain_hash, kind) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s)", schema), rows)
    count = len(rows)
    rows.clear()
    return count


def has_kind_column(conn: Connection, schema: str) -> bool:
    return conn.execute("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE "
                        "table_schema = %s AND table_name = 'audit_chain' AND "
                        "column_name = 'kind')", (schema,)).fetchone()["exists"]


def _records(conn: Connection, schema: str, application: str,
             upto: int) -> Iterator[StoredRecord]:
    with conn.cursor(name=f"rekey_records_{application}") as curs:
        curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, "
                         "state FROM {0}.{1} WHERE notification_id <= %s "
                         "ORDER BY notification_id").format(
                             Identifier(schema), Identifier(f"{application}_events")), (upto,))
        for row in curs:
            yield StoredRecord(**row)


def _links(conn: Connection, schema: str, application: str) -> Iterator[ChainLink]:
    with conn.cursor(name=f"rekey_links_{application}") as curs:
        curs.execute(_q("SELECT notification_id, originator_id, originator_version, record_hash, "
                        "chain_hash, kind FROM {0}.audit_chain WHERE application = %s "
                        "ORDER BY notification_id", schema), (application,))
        for row in curs:
            yield ChainLink(**row)


def _q(text: str, schema: str) -> Composed:
    return SQL(text).format(Identifier(schema))
