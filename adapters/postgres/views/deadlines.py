"""The deadlines table and the dispatcher's locked reads of what is due."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.rows import dict_row
from psycopg.sql import SQL, Identifier
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from adapters.postgres.arrival_limit_sql import limit_sql, limit_values
from domain.arrival_limits import ArrivalLimits
from projections.deadlines import DeadlinesViewPort


class PostgresDeadlinesView(PostgresTrackingRecorder, DeadlinesViewPort):
    # Table made by migrations; a new shape bumps SHAPE_VERSION (rows cleared, log replayed:
    # stop the dispatcher meanwhile, a half-replayed row can look due).
    VIEW, SHAPE_VERSION, TRACKING_TABLE = "deadlines", 1, "deadlines_tracking"
    TABLES = ("dispatch_deadlines",)
    REPLAY_KEEPS_ROWS = False

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        kwargs.setdefault("tracking_table_name", self.TRACKING_TABLE)
        super().__init__(datastore, **kwargs)

    def _write(self, statement: SQL, params: list[Any], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(statement, params)

    def open(self, ticket_id: str, fields: dict[str, Any], tracking: Tracking) -> None:
        values = {k: Jsonb(v) if isinstance(v, dict) else v for k, v in fields.items()}
        statement = SQL("INSERT INTO dispatch_deadlines (ticket_id, {cols}) VALUES (%s, {vals}) "
                        "ON CONFLICT (ticket_id) DO NOTHING").format(
            cols=SQL(", ").join(map(Identifier, values)),
            vals=SQL(", ").join(SQL("%s") for _ in values))
        self._write(statement, [ticket_id, *values.values()], tracking)

    def move(self, ticket_id: str, fields: dict[str, Any], tracking: Tracking) -> None:
        # notified_at is the maintenance side's first notification: first_notified_at keeps the
        # first; a correction (old, new) moves it when it was the first notification, else it
        # stays but never precedes the corrected first one.
        sets, params = [], []
        for k, v in fields.items():
            if k == "first_notified_at":
                sets.append(SQL("notified_at = coalesce(notified_at, %s)"))
                params.append(v)
            elif k == "notified_correction":
                sets.append(SQL("notified_at = CASE WHEN notified_at IS NULL THEN NULL "
                                "WHEN notified_at = %s THEN %s "
                                "ELSE greatest(notified_at, %s) END"))
                params.extend([v[0], v[1], v[1]])
            else:
                sets.append(SQL("{} = %s").format(Identifier(k)))
                params.append(v)
        statement = SQL("UPDATE dispatch_deadlines SET {sets} WHERE ticket_id = %s").format(
            sets=SQL(", ").join(sets))
        self._write(statement, [*params, ticket_id], tracking)

    def skip(self, tracking: Tracking) -> None:
        self.insert_tracking(tracking)


class DeadlineQueries:
    """What is due now; rows stay locked (SKIP LOCKED) while the dispatcher acts on them."""

    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    @contextmanager
    def due(self, condition: str, params: tuple, limit: int = 20,
            skip: Sequence[str] = ()) -> Iterator[list[dict]]:
        """Oldest first; `skip`: `ticket_id:version` keys the dispatcher already acted on."""
        if skip:
            condition += " AND NOT (ticket_id || ':' || version = ANY(%s))"
            params = (*params, list(skip))
        with self.pool.connection() as conn, conn.transaction(), \
                conn.cursor(row_factory=dict_row) as cur:
            cur.execute(f"SELECT * FROM dispatch_deadlines WHERE {condition} "
                        "ORDER BY since LIMIT %s FOR UPDATE SKIP LOCKED", (*params, limit))
            yield cur.fetchall()

    def to_notify(self, skip: Sequence[str] = (), limit: int = 20):
        return self.due("stage = 'dispatch'", (), limit, skip)

    def unanswered(self, seconds: float, skip: Sequence[str] = (),
                   limit: int = 20):
        return self.due("stage = 'await_accept' AND level < 3 AND "
                        "since <= now() - make_interval(secs => %s)", (seconds,), limit, skip)

    def backlog(self) -> tuple[int, float]:
        """Alarms waiting to be notified, and how long the oldest has waited (seconds)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT count(*), coalesce(extract(epoch FROM now() - "
                               "min(since)), 0) FROM dispatch_deadlines "
                               "WHERE stage = 'dispatch'").fetchone()
        return int(row[0]), float(row[1])

    def overdue(self, limits: ArrivalLimits | int):  # noqa: ANN201
        """Past the arrival limit of the lift's district (`limit_minutes` on each row)."""
        limit = limit_sql("lift ->> 'district'", positional=True)
        return self.due("stage IN ('await_accept', 'accepted') AND "
                        f"notified_at <= now() - make_interval(mins => {limit}) AND NOT EXISTS ("
                        "SELECT 1 FROM sms_outbox o WHERE o.key = ticket_id || ':overdue')",
                        limit_values(ArrivalLimits.of(limits)))
