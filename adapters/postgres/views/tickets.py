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
    "rescue_code": "text", "using_unit_code": "text", "using_unit_name": "text",  # shape 3
    "rescue_method": "text", "callback_confirmed_at": "timestamptz",  # shape 4
    "arrival_proof": "text",  # shape 5 (issue 17)
}
NAMES = list(COLUMNS)
UPSERT = SQL("INSERT INTO tickets_view ({cols}) VALUES ({vals}) ON CONFLICT (ticket_id) "
             "DO UPDATE SET {sets}").format(
    cols=SQL(", ").join(map(Identifier, NAMES)), vals=SQL(", ").join(SQL("%s") for _ in NAMES),
    sets=SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(Identifier(c)) for c in NAMES[1:]))


class PostgresTicketsView(PostgresTrackingRecorder, TicketsViewPort):
    # The table and its columns are made by migrations (adapters/postgres/migrations); a new
    # shape bumps SHAPE_VERSION and `liftrescue migrate` replays the log onto the kept rows.
    VIEW, SHAPE_VERSION, TABLES, TRACKING_TABLE = "tickets_view", 5, ("tickets_view",), \
        "tickets_view_tracking"
    REPLAY_KEEPS_ROWS = True  # each row restarts at its AlarmReceived: readers keep old rows

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        kwargs.setdefault("tracking_table_name", self.TRACKING_TABLE)
        super().__init__(datastore, **kwargs)

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
