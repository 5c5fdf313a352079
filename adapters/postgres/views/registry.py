"""Registry rows (units_view, stations_view, lifts_view) maintained by RegistryProjection."""

from typing import Any

import structlog
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier
from psycopg.types.json import Jsonb

from projections.registry import RegistryViewPort

log = structlog.get_logger(__name__)
TABLES = [
    """CREATE TABLE IF NOT EXISTS units_view (
        unit_id text PRIMARY KEY, name text, has_rescue_info boolean NOT NULL DEFAULT false)""",
    """CREATE TABLE IF NOT EXISTS stations_view (
        station_id text PRIMARY KEY, unit_id text NOT NULL, name text, district text,
        coverage jsonb, lead_name text, workers jsonb NOT NULL DEFAULT '{}')""",
    """CREATE TABLE IF NOT EXISTS lifts_view (
        lift_id text PRIMARY KEY, registration_code text UNIQUE, rescue_code text,
        unit_id text, station_id text, district text, street text, site_type text,
        using_unit_code text, using_unit_name text, address text, safety_manager_name text,
        in_service boolean NOT NULL DEFAULT true)""",
    "CREATE INDEX IF NOT EXISTS lifts_view_unit ON lifts_view (unit_id, using_unit_code)",
    "CREATE INDEX IF NOT EXISTS lifts_view_rescue ON lifts_view (rescue_code)",
]
KEYS = {"units_view": "unit_id", "stations_view": "station_id", "lifts_view": "lift_id"}


def _values(fields: dict[str, Any]) -> list[Any]:
    return [Jsonb(v) if isinstance(v, dict | list) else v for v in fields.values()]


class PostgresRegistryView(PostgresTrackingRecorder, RegistryViewPort):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        kwargs.setdefault("tracking_table_name", "registry_view_tracking")
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(SQL(t) for t in TABLES)

    def insert_row(self, table: str, row_id: str, row: dict[str, Any],
                   tracking: Tracking) -> None:
        """The whole row; a row already there (a replayed creation) is overwritten."""
        key = KEYS[table]
        columns = [key, *row]
        statement = SQL("INSERT INTO {t} ({cols}) VALUES ({vals}) ON CONFLICT ({key}) DO "
                        "UPDATE SET {updates}").format(
            t=Identifier(table), cols=SQL(", ").join(map(Identifier, columns)),
            vals=SQL(", ").join(SQL("%s") for _ in columns), key=Identifier(key),
            updates=SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(Identifier(c))
                                   for c in row))
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(statement, [row_id, *_values(row)])

    def update_row(self, table: str, row_id: str, changes: dict[str, Any],
                   tracking: Tracking) -> None:
        key = KEYS[table]
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            if not changes:
                return
            curs.execute(SQL("UPDATE {t} SET {sets} WHERE {key} = %s").format(
                t=Identifier(table), key=Identifier(key),
                sets=SQL(", ").join(SQL("{} = %s").format(Identifier(c)) for c in changes)),
                [*_values(changes), row_id])
            if curs.rowcount == 0:
                self._missing(table, row_id, tracking)

    def change_workers(self, station_id: str, worker_id: str, worker: dict | None,
                       tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            if worker is None:
                curs.execute("UPDATE stations_view SET workers = workers - %s "
                             "WHERE station_id = %s", (worker_id, station_id))
            else:
                curs.execute("UPDATE stations_view SET workers = workers || jsonb_build_object("
                             "%s::text, %s::jsonb) WHERE station_id = %s",
                             (worker_id, Jsonb(worker), station_id))
            if curs.rowcount == 0:
                self._missing("stations_view", station_id, tracking)

    @staticmethod
    def _missing(table: str, row_id: str, tracking: Tracking) -> None:
        # A change for a row the view never created means the view is not the log's image:
        # say so loudly (rebuild it), but keep following the log so lookups stay current.
        log.error("registry_view_row_missing", table=table, row_id=row_id,
                  notification_id=tracking.notification_id,
                  remedy="liftrescue projections rebuild registry_view")

    def skip(self, tracking: Tracking) -> None:
        self.insert_tracking(tracking)
