"""Group commit: concurrent callers' events saved in one transaction.

eventsourcing's PostgreSQL recorder locks the events table for each insert, to hand out
notification ids in commit order; the lock is held across the commit's disk flush, so one
transaction at a time reaches the disk. Saving every waiting caller's events together turns that
one-at-a-time flush into one flush per batch. A lone caller is saved at once (no added wait);
batches form only while a commit is in flight.

Each caller still gets exactly its own outcome: when the batch fails on a uniqueness conflict
(a duplicate alarm, a concurrent step on the same ticket), every caller's events are saved again
on their own, so only the conflicting caller sees the IntegrityError.
"""

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError

from adapters.metrics import GROUP_COMMIT_BATCH

MAX_BATCH = 256


class _Slot:
    __slots__ = ("events", "done", "result", "error")

    def __init__(self, events: Sequence[Any]):
        self.events = events
        self.done = threading.Event()
        self.result: list[Any] = []
        self.error: BaseException | None = None


class GroupCommit:
    """`submit(events)` blocks until those events are durably stored and returns their
    recordings, or raises what the save raised for them."""

    def __init__(self, save: Callable[..., list[Any]], max_batch: int = MAX_BATCH):
        self._save, self._max = save, max_batch
        self._queue: queue.SimpleQueue[_Slot | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True, name="group-commit")
        self._thread.start()

    def submit(self, events: Sequence[Any]) -> list[Any]:
        if not self._thread.is_alive():
            raise RuntimeError("group commit is stopped")
        slot = _Slot(events)
        self._queue.put(slot)
        slot.done.wait()
        if slot.error is not None:
            raise slot.error
        return slot.result

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._commit(batch)
                    return
                batch.append(nxt)
            self._commit(batch)

    def _commit(self, batch: list[_Slot]) -> None:
        GROUP_COMMIT_BATCH.observe(len(batch))
        if len(batch) == 1:
            self._alone(batch[0])
            return
        try:
            recordings = self._save(*[e for slot in batch for e in slot.events])
        except IntegrityError:
            for slot in batch:  # find the one that conflicts; the others are stored alone
                self._alone(slot)
            return
        except BaseException as exc:  # noqa: BLE001 - e.g. database down: every caller hears it
            for slot in batch:
                slot.error = exc
                slot.done.set()
            return
        start = 0
        for slot in batch:
            slot.result = recordings[start:start + len(slot.events)]
            start += len(slot.events)
            slot.done.set()

    def _alone(self, slot: _Slot) -> None:
        try:
            slot.result = self._save(*slot.events)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            slot.error = exc
        finally:
            slot.done.set()
