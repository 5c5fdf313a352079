"""Reads of the registry views: lift lists, lookups and the data-gap lists."""

from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from adapters.postgres.lift_search import SHOWN, lift_where

LIFT_COLUMNS = ("registration_code, rescue_code, unit_id, station_id, district, street, "
                "site_type, using_unit_code, using_unit_name, address, safety_manager_name, in_use_since")


class RegistryQueries:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def _rows(self, sql: str, params: tuple | list = ()) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def code_for_rescue_code(self, rescue_code: str) -> str | None:
        rows = self._rows("SELECT registration_code FROM lifts_view WHERE rescue_code = %s",
                          (rescue_code,))
        return rows[0]["registration_code"] if len(rows) == 1 else None

    def lifts_with_rescue_code(self, rescue_code: str) -> list[str]:
        rows = self._rows("SELECT registration_code FROM lifts_view WHERE rescue_code = %s "
                          "ORDER BY registration_code", (rescue_code,))
        return [r["registration_code"] for r in rows]

    def units_with_code(self, code: str) -> list[str]:
        """Maintenance units (ids) recorded with this 统一社会信用代码."""
        return [str(r["unit_id"]) for r in self._rows(
            "SELECT unit_id FROM units_view WHERE code = %s ORDER BY unit_id", (code,))]

    def lift_codes_of_using_unit(self, unit_id: str, using_unit_code: str) -> list[str]:
        rows = self._rows("SELECT registration_code FROM lifts_view WHERE unit_id = %s AND "
                          "using_unit_code = %s ORDER BY registration_code",
                          (unit_id, using_unit_code))
        return [r["registration_code"] for r in rows]

    def safety_managers(self, unit_id: str | None) -> list[dict[str, Any]]:
        """The register (issue 15): each manager, mobile masked, and how many lifts it has."""
        return self._rows(
            "SELECT m.manager_id, m.unit_id, m.name, m.mobile, m.mobile_ref, (SELECT count(*) "
            "FROM lifts_view l WHERE l.safety_manager_id = m.manager_id)::int AS lifts "
            "FROM safety_managers_view m WHERE (%(u)s::text IS NULL OR m.unit_id = %(u)s) "
            "ORDER BY m.name, m.manager_id", {"u": unit_id})

    def lift_codes_of_manager(self, manager_id: str) -> list[str]:
        return [r["registration_code"] for r in self._rows(
            "SELECT registration_code FROM lifts_view WHERE safety_manager_id = %s "
            "ORDER BY registration_code", (manager_id,))]

    def using_unit_codes_named(self, unit_id: str, name: str) -> list[str]:
        """A using unit named in full: its code(s) among the unit's lifts."""
        return [r["using_unit_code"] for r in self._rows(
            "SELECT DISTINCT using_unit_code FROM lifts_view WHERE unit_id = %s AND "
            "using_unit_name = %s ORDER BY 1", (unit_id, name))]

    def lifts(self, filters: dict[str, Any], limit: int, after: str | None) -> list[dict]:
        """Lifts matching the search filters (adapters/postgres/lift_search.py), by code, paged."""
        where, params = lift_where(filters, after)
        return self._rows(f"SELECT {LIFT_COLUMNS}, {SHOWN} FROM lifts_view WHERE "
                          f"{' AND '.join(where)} ORDER BY registration_code LIMIT %s",
                          [*params, limit])

    def data_gaps(self, unit_id: str | None) -> dict[str, list[Any]]:
        unit = "(%(u)s::text IS NULL OR unit_id = %(u)s)"
        lifts = f"SELECT registration_code FROM lifts_view WHERE {unit} AND "
        params = {"u": unit_id}

        def codes(condition: str) -> list[str]:
            return [r["registration_code"] for r in self._rows(
                lifts + condition + " ORDER BY registration_code", params)]

        return {
            "missing_safety_manager": codes("safety_manager_name IS NULL"),
            "missing_site_type": codes("site_type IS NULL"),
            "unbound_lifts": codes("station_id IS NULL"),
            "safety_managers_without_mobile": self._rows(  # the register's (issue 15)
                f"SELECT manager_id, name FROM safety_managers_view WHERE {unit} AND "
                "mobile IS NULL ORDER BY name", params),
            "stations_without_workers": self._rows(
                f"SELECT station_id, name FROM stations_view WHERE {unit} AND workers = '{{}}' "
                "ORDER BY name", params),
            "unit_missing_rescue_info": self._rows(
                f"SELECT unit_id, name FROM units_view WHERE {unit} AND NOT has_rescue_info "
                "ORDER BY name", params),
            # the guide: every unit keeps at least one rescue station
            "units_without_station": self._rows(
                f"SELECT unit_id, name FROM units_view u WHERE {unit} AND NOT EXISTS (SELECT 1 "
                "FROM stations_view s WHERE s.unit_id = u.unit_id) ORDER BY name", params),
        }

    def units(self, unit_id: str | None) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT u.unit_id, u.name, u.has_rescue_info, u.code, u.address, u.duty_phone, "
            "u.lead_name, (SELECT count(*) FROM lifts_view l "
            "WHERE l.unit_id = u.unit_id)::int AS lifts, (SELECT count(*) FROM stations_view s "
            "WHERE s.unit_id = u.unit_id)::int AS stations FROM units_view u "
            "WHERE (%(u)s::text IS NULL OR u.unit_id = %(u)s) ORDER BY u.name, u.unit_id",
            {"u": unit_id})

    def stations(self, unit_id: str | None, district: str | None = None) -> list[dict[str, Any]]:
        """Stations of a unit (None: every unit), optionally covering `district`."""
        return self._rows(
            "SELECT s.station_id, s.unit_id, u.name AS unit_name, s.name, s.district, s.coverage, "
            "s.lead_name, s.workers, (SELECT count(*) FROM lifts_view l "
            "WHERE l.station_id = s.station_id)::int AS lifts FROM stations_view s "
            "LEFT JOIN units_view u USING (unit_id) "
            "WHERE (%(u)s::text IS NULL OR s.unit_id = %(u)s) AND (%(d)s::text IS NULL OR "
            "s.district = %(d)s OR s.coverage->'districts' ? %(d)s) ORDER BY u.name, s.name",
            {"u": unit_id, "d": district})

    def stations_covering(self, district: str) -> list[str]:
        rows = self._rows("SELECT station_id FROM stations_view WHERE coverage->'districts' ? %s "
                          "ORDER BY name", (district,))
        return [r["station_id"] for r in rows]
