"""Registry rows (units_view, stations_view, lifts_view) maintained by RegistryProjection."""

from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier
from psycopg.types.json import Jsonb

from projections.registry import RegistryViewPort

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


class PostgresRegistryView(PostgresTrackingRecorder, RegistryViewPort):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        kwargs.setdefault("tracking_table_name", "registry_view_tracking")
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(SQL(t) for t in TABLES)

    def _upsert(self, table: str, key: str, key_value: str, fields: dict[str, Any],
                tracking: Tracking) -> None:
        values = {k: Jsonb(v) if isinstance(v, dict | list) else v for k, v in fields.items()}
        columns = [key, *values]
        updates = SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(Identifier(c)) for c in values)
        statement = SQL("INSERT INTO {t} ({cols}) VALUES ({vals}) ON CONFLICT ({key}) DO "
                        + ("UPDATE SET {updates}" if values else "NOTHING")).format(
            t=Identifier(table), cols=SQL(", ").join(map(Identifier, columns)),
            vals=SQL(", ").join(SQL("%s") for _ in columns), key=Identifier(key),
            updates=updates)
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(statement, [key_value, *values.values()])

    def upsert_unit(self, unit_id: str, fields: dict[str, Any], tracking: Tracking) -> None:
        self._upsert("units_view", "unit_id", unit_id, fields, tracking)

    def upsert_station(self, station_id: str, fields: dict[str, Any], tracking: Tracking) -> None:
        self._upsert("stations_view", "station_id", station_id, fields, tracking)

    def upsert_lift(self, lift_id: str, fields: dict[str, Any], tracking: Tracking) -> None:
        self._upsert("lifts_view", "lift_id", lift_id, fields, tracking)

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

    def skip(self, tracking: Tracking) -> None:
        self.insert_tracking(tracking)
