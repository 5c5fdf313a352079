"""The audit chain view: links appended in the same transaction as its tracking position."""

from collections.abc import Iterator

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

from projections.audit_chain import GENESIS, ChainLink, StoredRecord, Verification, extend, verify

NAME = "audit_chain"
EVENTS_TABLE = "tickets_events"


class PostgresAuditChain(PostgresTrackingRecorder):
    """Follows the ticket event table in notification order and chains every record."""

    def __init__(self, datastore: PostgresDatastore, **kwargs):
        super().__init__(datastore, tracking_table_name="audit_chain_tracking", **kwargs)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.audit_chain ("
            "notification_id bigint PRIMARY KEY, originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, record_hash text NOT NULL, "
            "chain_hash text NOT NULL)").format(Identifier(self.datastore.schema)))

    def extend(self, limit: int = 1000) -> int:
        """Chain the next stored events (up to `limit`); returns how many were chained."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("SELECT notification_id, chain_hash FROM {0}.audit_chain "
                             "ORDER BY notification_id DESC LIMIT 1").format(
                                 Identifier(self.datastore.schema)))
            last = curs.fetchone()
            after, head = (last["notification_id"], last["chain_hash"]) if last else (0, GENESIS)
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, "
                             "state FROM {0}.{1} WHERE notification_id > %s "
                             "ORDER BY notification_id LIMIT %s").format(
                                 Identifier(self.datastore.schema), Identifier(EVENTS_TABLE)),
                         (after, limit))
            records = [StoredRecord(**row) for row in curs.fetchall()]
            if not records:
                return 0
            links = list(extend(head, records))
            curs.executemany(SQL("INSERT INTO {0}.audit_chain VALUES (%s, %s, %s, %s, %s)").format(
                Identifier(self.datastore.schema)), links)
            self._insert_tracking(curs, Tracking(NAME, links[-1].notification_id))
        return len(links)

    def verify(self) -> Verification:
        """Recompute every chained record from the store and compare."""
        with self.datastore.get_connection() as conn, conn.transaction():
            return verify(self._records(conn), self._links(conn))

    def _records(self, conn) -> Iterator[StoredRecord]:  # noqa: ANN001
        with conn.cursor(name="audit_records") as curs:
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, "
                             "state FROM {0}.{1} ORDER BY notification_id").format(
                                 Identifier(self.datastore.schema), Identifier(EVENTS_TABLE)))
            for row in curs:
                yield StoredRecord(**row)

    def _links(self, conn) -> Iterator[ChainLink]:  # noqa: ANN001
        with conn.cursor(name="audit_links") as curs:
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, "
                             "record_hash, chain_hash FROM {0}.audit_chain "
                             "ORDER BY notification_id").format(Identifier(self.datastore.schema)))
            for row in curs:
                yield ChainLink(**row)
