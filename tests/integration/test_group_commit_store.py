"""Concurrent alarms through group commit on real PostgreSQL: duplicates found, nothing lost."""

import threading

from dispatch.commands import Context, ReceiveAlarm


def test_concurrent_alarms_with_retries_make_exactly_one_ticket_each(services, count_events):
    assert services.tickets.saver is not None  # on by default
    ctx, outcomes, lock = Context("test", "gc"), [], threading.Lock()

    def caller(c: int) -> None:
        for i in range(15):
            ref = f"ref-{(c * 15 + i) % 60}"  # 16 × 15 calls over 60 refs: each ref 4 times
            outcome = services.tickets.receive_alarm(ReceiveAlarm(
                lift="44030000000000012345", source="iot", source_ref=ref), ctx)
            with lock:
                outcomes.append((ref, outcome))

    threads = [threading.Thread(target=caller, args=(c,)) for c in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == 240
    created = [ref for ref, o in outcomes if o.created]
    assert sorted(created) == sorted({ref for ref, _ in outcomes})  # each ref created once
    by_ref = {}
    for ref, o in outcomes:
        by_ref.setdefault(ref, set()).add(o.ticket.id)
    assert all(len(ids) == 1 for ids in by_ref.values())
    assert count_events() == 60
    numbers = {o.ticket.ticket_no for _, o in outcomes if o.created}
    assert len(numbers) == 60  # never the same number twice
