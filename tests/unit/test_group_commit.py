"""Group commit: callers share a transaction, yet each hears only its own outcome."""

import threading
import time

import pytest
from eventsourcing.persistence import IntegrityError

from adapters.postgres.group_commit import GroupCommit


class Store:
    """Records which events were saved together; refuses duplicates like a unique index."""

    def __init__(self, gate: threading.Event | None = None):
        self.saved: list[str] = []
        self.calls: list[tuple[str, ...]] = []
        self.gate = gate
        self.entered = threading.Event()

    def save(self, *events: str) -> list[str]:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        self.calls.append(events)
        if len(set(events)) < len(events) or set(events) & set(self.saved):
            raise IntegrityError("duplicate")
        if "boom" in events:
            raise ConnectionError("database away")
        self.saved.extend(events)
        return [f"rec:{e}" for e in events]


def submit_all(group: GroupCommit, batches: list[list[str]]) -> dict[int, object]:
    results: dict[int, object] = {}

    def call(i: int, events: list[str]) -> None:
        try:
            results[i] = group.submit(events)
        except Exception as exc:  # noqa: BLE001
            results[i] = exc

    threads = [threading.Thread(target=call, args=(i, b)) for i, b in enumerate(batches)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


def test_a_lone_caller_is_saved_at_once_and_gets_its_recordings():
    store = Store()
    group = GroupCommit(store.save)
    assert group.submit(["a1", "a2"]) == ["rec:a1", "rec:a2"]
    assert store.calls == [("a1", "a2")]
    group.stop()


def test_waiting_callers_share_one_save_and_each_gets_its_own_slice():
    gate = threading.Event()
    store = Store(gate)
    group = GroupCommit(store.save)
    first = threading.Thread(target=group.submit, args=(["first"],))
    first.start()
    assert store.entered.wait(5)  # the writer is inside the first save, held by the gate
    results: dict[int, list[str]] = {}

    def call(i: int) -> None:
        results[i] = group.submit([f"e{i}", f"f{i}"])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # all five queue up behind the first save
    gate.set()
    first.join(5)
    for t in threads:
        t.join(5)
    assert results == {i: [f"rec:e{i}", f"rec:f{i}"] for i in range(5)}
    assert len(store.calls) == 2 and len(store.calls[1]) == 10  # one shared save for the five
    group.stop()


def test_a_conflict_in_a_batch_fails_only_the_conflicting_caller():
    store = Store()
    store.saved.append("dup")
    group = GroupCommit(store.save)
    results = submit_all(group, [["x"], ["dup"], ["y"], ["z"]])
    assert isinstance(results[1], IntegrityError)
    assert {results[0][0], results[2][0], results[3][0]} == {"rec:x", "rec:y", "rec:z"}
    assert sorted(store.saved) == ["dup", "x", "y", "z"]
    group.stop()


def test_an_outage_reaches_every_caller_of_the_batch_and_stores_nothing():
    store = Store()
    group = GroupCommit(store.save)
    with pytest.raises(ConnectionError):
        group.submit(["boom"])
    assert store.saved == []
    group.stop()
    with pytest.raises(RuntimeError):
        group.submit(["late"])
