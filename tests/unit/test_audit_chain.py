"""The hash chain's verification logic on plain records."""

from projections.audit_chain import GENESIS, StoredRecord, extend, verify


def records(n: int) -> list[StoredRecord]:
    return [StoredRecord(i, f"00000000-0000-4000-8000-{i:012d}", 1, "domain.ticket:Ticket.X",
                         f'{{"n": {i}}}'.encode()) for i in range(1, n + 1)]


def test_untouched_store_verifies_and_counts_pending():
    stored = records(5)
    links = list(extend(GENESIS, stored[:4]))
    result = verify(stored, links)
    assert result.ok and result.checked_events == 4 and result.pending_events == 1


def test_altered_event_is_named():
    stored = records(5)
    links = list(extend(GENESIS, stored))
    stored[2] = stored[2]._replace(state=b'{"n": 999}')
    result = verify(stored, links)
    assert not result.ok and result.checked_events == 2
    assert result.first_mismatch["notification_id"] == 3
    assert result.first_mismatch["problem"] == "stored event was altered"


def test_deleted_event_is_named():
    stored = records(5)
    links = list(extend(GENESIS, stored))
    del stored[3]
    result = verify(stored, links)
    assert result.first_mismatch == {"notification_id": 4, "ticket_id": links[3].originator_id,
                                     "version": 1, "problem": "event deleted from the store"}


def test_deleted_last_event_is_named():
    stored = records(3)
    links = list(extend(GENESIS, stored))
    assert verify(stored[:2], links).first_mismatch["notification_id"] == 3


def test_inserted_event_is_named():
    stored = records(4)
    links = list(extend(GENESIS, [stored[0], stored[2], stored[3]]))
    result = verify(stored, links)
    assert result.first_mismatch["notification_id"] == 2
    assert "inserted" in result.first_mismatch["problem"]


def test_rewritten_chain_link_is_detected():
    stored = records(4)
    links = list(extend(GENESIS, stored))
    forged = list(extend(GENESIS, stored[:2]))
    # an attacker recomputes record hash 3 for altered content but cannot fix later links
    altered = stored[2]._replace(state=b"{}")
    forged += list(extend(forged[-1].chain_hash, [altered]))
    tampered_links = forged + links[3:]
    tampered_store = stored[:2] + [altered] + stored[3:]
    result = verify(tampered_store, tampered_links)
    assert result.first_mismatch["notification_id"] == 4
    assert result.first_mismatch["problem"] == "audit chain was altered"
