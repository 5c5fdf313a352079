"""Registry rows (units_view, stations_view, lifts_view) maintained by RegistryProjection."""

from datetime import datetime
from typing import Any

import structlog
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier
from psycopg.types.json import Jsonb

from projections.registry import RegistryViewPort

log = structlog.get_logger(__name__)
KEYS = {"units_view": "unit_id", "stations_view": "station_id", "lifts_view": "lift_id",
        "safety_managers_view": "manager_id"}


def _values(fields: dict[str, Any]) -> list[Any]:
    return [Jsonb(v) if isinstance(v, dict | list) else v for v in fields.values()]


class PostgresRegistryView(PostgresTrackingRecorder, RegistryViewPort):
    # Tables made by migrations; a new shape bumps SHAPE_VERSION (rows cleared, log replayed).
    # Shape 3: units' code, address, duty phone and lead name (migration 0011).
    # Shape 4: lifts' registration time, service history, location, register manager (0012).
    # Shape 5: lifts' 使用登记 date (in_use_since), what statistics count lifts from (0019).
    VIEW, SHAPE_VERSION, TRACKING_TABLE = "registry_view", 5, "registry_view_tracking"
    TABLES = ("units_view", "stations_view", "lifts_view", "lift_service_periods",
              "safety_managers_view")
    REPLAY_KEEPS_ROWS = False

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        kwargs.setdefault("tracking_table_name", self.TRACKING_TABLE)
        super().__init__(datastore, **kwargs)

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

    def change_service(self, lift_id: str, in_service: bool, since: datetime,
                       tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            if in_service:
                curs.execute("UPDATE lift_service_periods SET back_since = %s "
                             "WHERE lift_id = %s AND back_since IS NULL", (since, lift_id))
            else:
                curs.execute("INSERT INTO lift_service_periods (lift_id, out_since) "
                             "VALUES (%s, %s)", (lift_id, since))
            curs.execute("UPDATE lifts_view SET in_service = %s, out_of_service_since = %s "
                         "WHERE lift_id = %s", (in_service, None if in_service else since,
                                                lift_id))
            if curs.rowcount == 0:
                self._missing("lifts_view", lift_id, tracking)

    @staticmethod
    def _missing(table: str, row_id: str, tracking: Tracking) -> None:
        # A change for a row the view never created means the view is not the log's image:
        # say so loudly (rebuild it), but keep following the log so lookups stay current.
        log.error("registry_view_row_missing", table=table, row_id=row_id,
                  notification_id=tracking.notification_id,
                  remedy="liftrescue projections rebuild registry_view")

    def skip(self, tracking: Tracking) -> None:
        self.insert_tracking(tracking)
