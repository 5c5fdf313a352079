"""A batching follower for high-volume views: pages of the notification log, each page applied
with its tracking position in one transaction. Same reducer and view as the per-event runner,
a fraction of the transactions; the Supervisor treats it like a ProjectionRunner."""

import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application

PAGE = 1000
IDLE_SECONDS = 0.005


class BatchRunner:
    def __init__(self, application_class: type[Application], view_class: type,
                 apply: Callable[[Any, str, list], None], env: dict[str, str]):
        self.app = application_class(env)
        self.view = view_class(self.app.recorder.datastore)
        self.view.create_table()
        self.apply = apply
        self.is_interrupted = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True, name="batch-view")
        self.thread.start()

    def _run(self) -> None:
        try:
            position = self.view.max_tracking_id(self.app.name) or 0
            while not self.is_interrupted.is_set():
                page = self.app.recorder.select_notifications(start=position + 1, limit=PAGE)
                if not page:
                    self.is_interrupted.wait(IDLE_SECONDS)
                    continue
                events = [(n.id, self.app.mapper.to_domain_event(n)) for n in page]
                self.apply(self.view, self.app.name, events)
                position = page[-1].id
        except BaseException as exc:  # noqa: BLE001 - re-raised by __exit__ to the supervisor,
            self.error = exc  # which counts, logs (at most once a minute) and restarts
        finally:
            self.is_interrupted.set()

    def __enter__(self) -> "BatchRunner":
        return self

    def stop(self) -> None:
        self.is_interrupted.set()

    def __exit__(self, *exc: object) -> None:
        """Stop and close; like eventsourcing's ProjectionRunner, re-raise what it died of."""
        self.stop()
        self.thread.join(timeout=30)
        self.app.close()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
