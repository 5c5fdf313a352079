"""The audit chain: keyed links over every application's event log, and its verification."""

import time
from collections.abc import Iterable, Iterator

import structlog
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

from projections import audit_checkpoint
from projections.audit_chain import GENESIS, ChainLink, Hasher, StoredRecord, Verification, verify

log = structlog.get_logger(__name__)
APPLICATIONS = ("tickets", "registry")  # both share the database, each with its own log
BEAT_EVERY_SECONDS = 1.0


class PostgresAuditChain(PostgresTrackingRecorder):
    """Chains every stored event of each application in notification order."""

    def __init__(self, datastore: PostgresDatastore, *, key: bytes, grace_seconds: float = 10.0,
                 applications: Iterable[str] = APPLICATIONS, **kwargs):
        super().__init__(datastore, tracking_table_name="audit_chain_tracking", **kwargs)
        self.key, self.hasher, self.grace_seconds = key, Hasher(key), grace_seconds
        self.applications = tuple(applications)
        self._beaten_at = 0.0  # its tables are made by migrations (adapters/postgres/migrations)

    @property
    def schema(self) -> str:
        return self.datastore.schema

    def _q(self, text: str, *tables: str) -> SQL:
        return SQL(text).format(Identifier(self.schema), *map(Identifier, tables))

    def extend(self, limit: int = 1000) -> int:
        """Chain the next stored events of every log (up to `limit` each); how many chained."""
        chained = sum(self._extend(application, limit) for application in self.applications)
        if chained or time.monotonic() - self._beaten_at >= BEAT_EVERY_SECONDS:
            self._beat()
        return chained

    def _extend(self, application: str, limit: int) -> int:
        with self.datastore.transaction(commit=True) as curs:
            # One chainer per log at a time, even if the role is started twice by mistake.
            curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"audit:{application}",))
            after, head = self._head(curs, application)
            curs.execute(self._q("SELECT notification_id, originator_id, originator_version, "
                                 "topic, state FROM {0}.{1} WHERE notification_id > %s "
                                 "ORDER BY notification_id LIMIT %s", f"{application}_events"),
                         (after, limit))
            records = [StoredRecord(**row) for row in curs.fetchall()]
            if not records:
                return 0
            links = list(self.hasher.extend(head, records))
            curs.executemany(self._q(
                "INSERT INTO {0}.audit_chain (application, notification_id, originator_id, "
                "originator_version, record_hash, chain_hash, kind) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)"), [(application, *link) for link in links])
            self._insert_tracking(curs, Tracking(application, links[-1].notification_id))
        return len(links)

    def _head(self, curs, application: str) -> tuple[int, str]:
        curs.execute(self._q("SELECT notification_id, chain_hash FROM {0}.audit_chain "
                             "WHERE application = %s ORDER BY notification_id DESC LIMIT 1"),
                     (application,))
        last = curs.fetchone()
        return (last["notification_id"], last["chain_hash"]) if last else (0, GENESIS)

    def _beat(self) -> None:
        """Record (signed) that the chainer just passed: unchained events are then pending."""
        with self.datastore.transaction(commit=True) as curs:
            at_us = _db_clock_us(curs)  # the database's clock: verifiers on other hosts agree
            for application in self.applications:
                position, _ = self._head(curs, application)
                curs.execute(self._q(
                    "INSERT INTO {0}.audit_chain_beats VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (application) DO UPDATE SET position = EXCLUDED.position, "
                    "at_us = EXCLUDED.at_us, signature = EXCLUDED.signature"),
                    (application, position, at_us, audit_checkpoint.heartbeat_signature(
                        self.key, application, position, at_us)))
        self._beaten_at = time.monotonic()

    def heads(self) -> dict[str, tuple[int, str]]:
        """Each application's chain head: (notification id, chain hash)."""
        with self.datastore.transaction(commit=False) as curs:
            return {application: self._head(curs, application)
                    for application in self.applications}

    def verify(self) -> Verification:
        """Check every stored event of every log against its link; list every problem."""
        total = Verification()
        with self.datastore.get_connection() as conn, conn.transaction():
            # One snapshot for events and links: the chainer may commit while we read.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for application in self.applications:
                live = self._chainer_live(conn, application)
                total.merge(verify(application, self._records(conn, application),
                                   self._links(conn, application), self.hasher,
                                   chainer_live=live))
        return total

    def verify_checkpoints(self, lines: Iterable[str]) -> tuple[Verification, int]:
        """Recompute each log from genesis with the key; compare with every signed checkpoint."""
        result = Verification()
        good = audit_checkpoint.parse_lines(self.key, lines, result)
        with self.datastore.get_connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for application in sorted({c["application"] for c in good}):
                mine = [c for c in good if c["application"] == application]
                if application not in self.applications:
                    for checkpoint in mine:
                        result.add(str(application), None, "checkpoint of an unknown log",
                                   checkpoint["position"])
                    continue
                last = max(c["position"] for c in mine)
                audit_checkpoint.check(application, self._records(conn, application, upto=last),
                                       mine, self.hasher, result)
        return result, len(good)

    def _chainer_live(self, conn, application: str) -> bool:
        row = conn.execute(self._q("SELECT position, at_us, signature FROM "
                                   "{0}.audit_chain_beats WHERE application = %s"),
                           (application,)).fetchone()
        if row is None:
            return False
        position, at_us, signature = row["position"], row["at_us"], row["signature"]
        genuine = audit_checkpoint.heartbeat_signature(self.key, application, position,
                                                       at_us) == signature
        if not genuine:
            log.error("audit_heartbeat_forged", application=application)
        return genuine and _db_clock_us(conn) - at_us <= self.grace_seconds * 1e6

    def _records(self, conn, application: str,
                 upto: int | None = None) -> Iterator[StoredRecord]:
        with conn.cursor(name=f"audit_records_{application}") as curs:
            curs.execute(self._q("SELECT notification_id, originator_id, originator_version, "
                                 "topic, state FROM {0}.{1} WHERE notification_id <= %s "
                                 "ORDER BY notification_id", f"{application}_events"),
                         (upto if upto is not None else 2**63 - 1,))
            for row in curs:
                yield StoredRecord(**row)

    def _links(self, conn, application: str) -> Iterator[ChainLink]:
        with conn.cursor(name=f"audit_links_{application}") as curs:
            curs.execute(self._q("SELECT notification_id, originator_id, originator_version, "
                                 "record_hash, chain_hash, kind FROM {0}.audit_chain "
                                 "WHERE application = %s ORDER BY notification_id"),
                         (application,))
            for row in curs:
                yield ChainLink(**row)


def _db_clock_us(conn_or_cursor) -> int:
    row = conn_or_cursor.execute("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)"
                                 "::bigint AS now_us").fetchone()
    return int(row["now_us"])
