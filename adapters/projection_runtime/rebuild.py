"""Rebuild a materialised view from zero, and report every view's position and lag."""

from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.persistence import Tracking
from psycopg.sql import SQL, Identifier

from adapters.bootstrap import Services
from adapters.projection_runtime.supervisor import View, catalogue, position

BATCH = 5000


def notification_batches(app: Any, size: int = BATCH) -> Iterator[list[tuple[int, Any]]]:
    """The whole log as (notification id, domain event), in pages of `size`."""
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=size)
        if not page:
            return
        yield [(n.id, app.mapper.to_domain_event(n)) for n in page]
        start = page[-1].id + 1


def _app_for(services: Services, view: View) -> Any:
    return services.tickets if view.events_table == "tickets_events" else services.registry


def rebuild(services: Services, view: View, progress: Callable[[int], None]) -> int:
    """Recompute the view from the first event; returns how many events were read."""
    app = _app_for(services, view)
    recorder = view.view_class(app.recorder.datastore)
    recorder.create_table()
    if hasattr(recorder, "rebuild"):  # fast path: in memory, then one COPY and one commit
        return recorder.rebuild(app.name, notification_batches(app), progress)
    # Generic path, event by event through the projection (stop the projections worker first).
    with app.recorder.datastore.transaction(commit=True) as curs:
        for table in view.tables:
            curs.execute(SQL("TRUNCATE {}").format(Identifier(table)))
        curs.execute(SQL("DELETE FROM {} WHERE application_name = %s").format(
            Identifier(view.tracking_table)), (app.name,))
    projection, count = view.projection_class(recorder), 0
    for batch in notification_batches(app):
        for notification_id, event in batch:
            projection.process_event(event, Tracking(app.name, notification_id))
        count += len(batch)
        progress(count)
    return count


def status(services: Services) -> list[dict[str, Any]]:
    """Each view's tracking position, the newest event of its log, and the lag between."""
    rows = []
    with services.pool.connection() as conn:
        for view in catalogue():
            tracked, newest = position(conn, view)
            rows.append({"view": view.name, "position": tracked, "newest": newest,
                         "lag": newest - tracked})
        # The audit chain follows both logs (docs/AUDIT.md): one row each, tickets keeps its name.
        for app, name in (("tickets", "audit_chain"), ("registry", "audit_chain:registry")):
            chained = conn.execute("SELECT coalesce(max(notification_id), 0) FROM audit_chain "
                                   "WHERE application = %s", (app,)).fetchone()[0]
            newest = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {app}_events"
                                  ).fetchone()[0]
            rows.append({"view": name, "position": chained, "newest": newest,
                         "lag": newest - chained})
    return rows
