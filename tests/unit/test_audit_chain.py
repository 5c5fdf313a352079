"""The keyed hash chain's verification logic, and signed checkpoints, on plain records."""

import json

from projections import audit_checkpoint
from projections.audit_chain import (
    ALTERED,
    DELETED,
    GENESIS,
    INSERTED,
    RELINKED,
    UNCHAINED,
    UNKEYED,
    Hasher,
    StoredRecord,
    Verification,
    verify,
)

KEY = b"k" * 32
HASHER = Hasher(KEY)


def records(n: int) -> list[StoredRecord]:
    return [StoredRecord(i, f"00000000-0000-4000-8000-{i:012d}", 1, "domain.ticket:Ticket.X",
                         f'{{"n": {i}}}'.encode()) for i in range(1, n + 1)]


def check(stored, links, *, live: bool = False) -> Verification:
    return verify("tickets", stored, links, HASHER, chainer_live=live)


def test_untouched_store_verifies_and_counts_pending_while_the_chainer_is_live():
    stored = records(5)
    links = list(HASHER.extend(GENESIS, stored[:4]))
    result = check(stored, links, live=True)
    assert result.ok and result.checked_events == 4 and result.pending_events == 1


def test_events_after_the_head_are_unchained_when_the_chainer_is_idle():
    stored = records(5)
    links = list(HASHER.extend(GENESIS, stored[:3]))
    result = check(stored, links)
    assert not result.ok and result.checked_events == 3 and result.pending_events == 0
    assert [(p["notification_id"], p["problem"]) for p in result.problems] == [
        (4, UNCHAINED), (5, UNCHAINED)]
    assert result.problems[0]["originator_id"] == stored[3].originator_id


def test_every_problem_is_listed_not_only_the_first():
    stored = records(6)
    links = list(HASHER.extend(GENESIS, stored))
    stored[1] = stored[1]._replace(state=b'{"n": 999}')
    del stored[3]
    result = check(stored, links)
    assert [(p["notification_id"], p["problem"]) for p in result.problems] == [
        (2, ALTERED), (4, DELETED)]
    assert result.checked_events == 4 and result.problem_count == 2
    assert result.first_mismatch == {"notification_id": 2, "ticket_id": stored[1].originator_id,
                                     "version": 1, "problem": ALTERED, "application": "tickets"}


def test_deleted_last_event_is_named():
    stored = records(3)
    links = list(HASHER.extend(GENESIS, stored))
    assert check(stored[:2], links).first_mismatch["notification_id"] == 3


def test_inserted_event_is_named():
    stored = records(4)
    links = list(HASHER.extend(GENESIS, [stored[0], stored[2], stored[3]]))
    result = check(stored, links)
    assert [(p["notification_id"], p["problem"]) for p in result.problems] == [(2, INSERTED)]


def test_links_recomputed_without_the_key_do_not_verify():
    stored = records(4)
    altered = stored[:2] + [stored[2]._replace(state=b"{}")] + stored[3:]
    for forger in (Hasher(None), Hasher(b"x" * 32)):
        forged = [link._replace(kind=HASHER.kind) for link in forger.extend(GENESIS, altered)]
        result = check(altered, forged)
        assert not result.ok and result.checked_events == 0
        assert {p["problem"] for p in result.problems} == {ALTERED}


def test_rewritten_chain_link_is_detected():
    stored = records(4)
    links = list(HASHER.extend(GENESIS, stored))
    links[2] = links[2]._replace(chain_hash="f" * 64)
    result = check(stored, links)
    assert [(p["notification_id"], p["problem"]) for p in result.problems] == [
        (3, RELINKED), (4, RELINKED)]


def test_unkeyed_links_are_not_trusted():
    stored = records(2)
    legacy = list(Hasher(None).extend(GENESIS, stored))
    result = check(stored, legacy)
    assert [p["problem"] for p in result.problems] == [UNKEYED, UNKEYED]


def test_checkpoint_signature_covers_every_field():
    made = audit_checkpoint.make(KEY, "tickets", 7, "a" * 64, "2026-11-23T16:00:00+00:00")
    assert audit_checkpoint.signature_ok(KEY, made)
    assert not audit_checkpoint.signature_ok(b"y" * 32, made)
    for name, value in (("position", 8), ("head_hash", "b" * 64), ("application", "registry"),
                        ("time", "2026-11-24T16:00:00+00:00")):
        assert not audit_checkpoint.signature_ok(KEY, made | {name: value})


def test_checkpoint_detects_a_history_rewritten_before_it():
    stored = records(5)
    head = list(HASHER.extend(GENESIS, stored[:3]))[-1].chain_hash
    line = json.dumps(audit_checkpoint.make(KEY, "tickets", 3, head, "t"))
    clean = Verification()
    good = audit_checkpoint.parse_lines(KEY, [line], clean)
    audit_checkpoint.check("tickets", stored, good, HASHER, clean)
    assert clean.ok and len(good) == 1
    for tampered in (stored[:2], stored[:1] + stored[2:],
                     [stored[0]._replace(state=b"{}")] + stored[1:]):
        result = Verification()
        audit_checkpoint.check("tickets", tampered, good, HASHER, result)
        assert [p["notification_id"] for p in result.problems] == [3]


def test_tampered_or_unreadable_checkpoint_lines_are_problems():
    made = audit_checkpoint.make(KEY, "tickets", 3, "a" * 64, "t")
    result = Verification()
    good = audit_checkpoint.parse_lines(
        KEY, [json.dumps(made | {"position": 2}), "not json", json.dumps(made)], result)
    assert good == [made]
    assert [p["problem"].split(" (")[0] for p in result.problems] == [
        audit_checkpoint.BAD_SIGNATURE, audit_checkpoint.UNREADABLE]
