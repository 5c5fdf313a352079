"""tickets_view: the ticket rows, updated event by event (live) or in bulk (rebuild)."""

from collections.abc import Callable, Iterable
from typing import Any

import structlog
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.rows import dict_row
from psycopg.sql import SQL, Identifier

from projections.tickets import Row, TicketsViewPort, reduce

log = structlog.get_logger(__name__)

COLUMNS = {
    "ticket_id": "text PRIMARY KEY", "ticket_no": "text", "lift_code": "text",
    "registration_code": "text", "unit_id": "text", "unit_name": "text", "station_id": "text",
    "station_name": "text", "district": "text", "site_type": "text", "address": "text",
    "dispatch": "text", "status": "text", "level": "int", "trapped_count": "int",
    "received_at": "timestamptz", "notified_at": "timestamptz",
    "maint_notified_at": "timestamptz", "assigned_at": "timestamptz",
    "arrived_at": "timestamptz", "released_at": "timestamptz", "closed_at": "timestamptz",
    "responder_name": "text", "notified_station_id": "text", "notified_station_name": "text",
    "cancel_reason": "text", "cause_root": "text", "cause_sub": "text", "version": "int",
}
NAMES = list(COLUMNS)
TABLE = ("CREATE TABLE IF NOT EXISTS tickets_view ("
         + ", ".join(f"{k} {v}" for k, v in COLUMNS.items()) + ")")
# Columns added after the first release: (column, type). A table that lacks one gets it (NULL in
# old rows) and the log is replayed onto the rows (see PostgresTicketsView.create_table).
ADDED = [("maint_notified_at", "timestamptz")]
INDEXES = [
    "CREATE INDEX IF NOT EXISTS tickets_view_received ON tickets_view (received_at DESC)",
    "CREATE INDEX IF NOT EXISTS tickets_view_unit ON tickets_view (unit_id, received_at DESC)",
    "CREATE INDEX IF NOT EXISTS tickets_view_open ON tickets_view (status) "
    "WHERE status IN ('received', 'notified', 'assigned')",
]
UPSERT = SQL("INSERT INTO tickets_view ({cols}) VALUES ({vals}) ON CONFLICT (ticket_id) "
             "DO UPDATE SET {sets}").format(
    cols=SQL(", ").join(map(Identifier, NAMES)), vals=SQL(", ").join(SQL("%s") for _ in NAMES),
    sets=SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(Identifier(c)) for c in NAMES[1:]))


class PostgresTicketsView(PostgresTrackingRecorder, TicketsViewPort):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        kwargs.setdefault("tracking_table_name", "tickets_view_tracking")
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend([SQL(TABLE), *map(SQL, INDEXES)])

    def create_table(self) -> None:
        """Create the table, or bring an older one up to this shape: missing columns are added
        and the tracking position is reset, so the follower replays the log onto the rows
        (each row restarts at its AlarmReceived; readers keep the old rows meanwhile)."""
        missing = self._missing_columns()
        super().create_table()
        if not missing:
            return
        with self.datastore.transaction(commit=True) as curs:
            for column, kind in ADDED:
                curs.execute(SQL("ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS {} " + kind)
                             .format(Identifier(column)))
            curs.execute(SQL("DELETE FROM {} WHERE application_name <> %s").format(
                Identifier(self.tracking_table_name)), (self.table_migration_identifier,))
        log.warning("tickets_view_replay", added=missing,
                    reason="older view shape: the log is replayed onto every row")

    def _missing_columns(self) -> list[str]:
        """Columns of ADDED that an existing tickets_view lacks ([] when there is no table)."""
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            have = {r["column_name"] for r in cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = 'tickets_view'").fetchall()}
        return [c for c, _ in ADDED if have and c not in have]

    def apply(self, ticket_id: str, event: Any, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute("SELECT * FROM tickets_view WHERE ticket_id = %s FOR UPDATE",
                         (ticket_id,))
            current = curs.fetchone()
            row = reduce(event, dict(current) if current else None)
            if row is not None:
                curs.execute(UPSERT, [row[c] for c in NAMES])

    def rebuild(self, application_name: str, batches: Iterable[list[tuple[int, Any]]],
                progress: Callable[[int], None] = lambda n: None) -> int:
        """Replace every row from the full event log in ONE transaction (readers see the old
        view until commit; a live runner resumes safely from the new tracking position)."""
        rows: dict[str, Row] = {}
        last, count = 0, 0
        for batch in batches:
            for notification_id, event in batch:
                key = str(event.originator_id)
                new = reduce(event, rows.get(key))
                if new is not None:
                    rows[key] = new
                last = notification_id
            count += len(batch)
            progress(count)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("LOCK TABLE tickets_view IN ACCESS EXCLUSIVE MODE")
            curs.execute("TRUNCATE tickets_view")
            with curs.copy(SQL("COPY tickets_view ({}) FROM STDIN").format(
                    SQL(", ").join(map(Identifier, NAMES)))) as copy:
                for row in rows.values():
                    copy.write_row([row[c] for c in NAMES])
            curs.execute(SQL("DELETE FROM {} WHERE application_name = %s").format(
                Identifier(self.tracking_table_name)), (application_name,))
            if last:
                self._insert_tracking(curs, Tracking(application_name, last))
        return count

    def snapshot(self) -> list[dict[str, Any]]:
        """Every row, ordered: for comparing a rebuilt view with the live one."""
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute("SELECT * FROM tickets_view ORDER BY ticket_id").fetchall()


def apply_batch(view: PostgresTicketsView, application_name: str,
                events: list[tuple[int, Any]]) -> None:
    """Reduce a page of the log onto the rows it touches; rows and tracking in ONE transaction.
    A second follower on the same page fails its tracking insert and rolls back."""
    ids = list({str(e.originator_id) for _, e in events})
    with view.datastore.transaction(commit=True) as curs:
        view._insert_tracking(curs, Tracking(application_name, events[-1][0]))  # noqa: SLF001
        curs.execute("SELECT * FROM tickets_view WHERE ticket_id = ANY(%s) FOR UPDATE", (ids,))
        rows = {r["ticket_id"]: dict(r) for r in curs.fetchall()}
        changed = set()
        for _, event in events:
            key = str(event.originator_id)
            new = reduce(event, rows.get(key))
            if new is not None:
                rows[key] = new
                changed.add(key)
        if changed:
            curs.executemany(UPSERT, [[rows[k][c] for c in NAMES] for k in changed])
