"""Each view's shape version (`view_versions`): a view whose shape grew replays its log.

A view class declares VIEW, SHAPE_VERSION, TABLES, TRACKING_TABLE and REPLAY_KEEPS_ROWS. A
view with no row here predates the table and has shape 1. When the code's version is newer,
the view's tracking position is deleted (its runner replays the log from the first event) and
its rows are cleared first unless its reducer restarts each row by itself (REPLAY_KEEPS_ROWS).
"""

import psycopg
import structlog
from psycopg.sql import SQL, Identifier

from adapters.postgres.views.deadlines import PostgresDeadlinesView
from adapters.postgres.views.registry import PostgresRegistryView
from adapters.postgres.views.tickets import PostgresTicketsView

log = structlog.get_logger(__name__)
VIEWS = (PostgresRegistryView, PostgresDeadlinesView, PostgresTicketsView)
TABLE = """CREATE TABLE IF NOT EXISTS view_versions (
    view text PRIMARY KEY, version integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now())"""
MARKER = "__migration__"  # eventsourcing's row in every tracking table: the table's own format


def replay_outdated(conn: psycopg.Connection) -> list[str]:
    """Reset every view whose recorded shape is older than its class's; their names."""
    conn.execute(TABLE)
    recorded = {row["view"]: row["version"]
                for row in conn.execute("SELECT view, version FROM view_versions")}
    reset = []
    for view in VIEWS:
        if recorded.get(view.VIEW) == view.SHAPE_VERSION:
            continue
        with conn.transaction():
            if recorded.get(view.VIEW, 1) < view.SHAPE_VERSION and _reset(conn, view):
                reset.append(view.VIEW)
            conn.execute("INSERT INTO view_versions (view, version) VALUES (%s, %s) ON CONFLICT "
                         "(view) DO UPDATE SET version = EXCLUDED.version, updated_at = now()",
                         (view.VIEW, view.SHAPE_VERSION))
    return reset


def _reset(conn: psycopg.Connection, view: type) -> bool:
    """Clear the view's position (and rows unless kept); False when it never followed a log."""
    # The tracking table is eventsourcing's: absent until the view's recorder first starts.
    if not conn.execute("SELECT to_regclass(%s) IS NOT NULL AS present",
                        (view.TRACKING_TABLE,)).fetchone()["present"]:
        return False
    if not view.REPLAY_KEEPS_ROWS:
        for table in view.TABLES:
            conn.execute(SQL("TRUNCATE {}").format(Identifier(table)))
    conn.execute(SQL("DELETE FROM {} WHERE application_name <> %s").format(
        Identifier(view.TRACKING_TABLE)), (MARKER,))
    log.warning("view_replay", view=view.VIEW, shape=view.SHAPE_VERSION,
                rows="kept, rewritten as the log replays" if view.REPLAY_KEEPS_ROWS else "cleared",
                reason="older view shape: the log is replayed onto the view")
    return True
