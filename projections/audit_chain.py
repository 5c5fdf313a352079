"""Tamper evidence: a hash chain over the stored event records, and its verification (pure)."""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

GENESIS = "0" * 64


class StoredRecord(NamedTuple):
    notification_id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


class ChainLink(NamedTuple):
    notification_id: int
    originator_id: str
    originator_version: int
    record_hash: str
    chain_hash: str


def record_hash(record: StoredRecord) -> str:
    """SHA-256 over exactly what the event store holds for one event."""
    digest = hashlib.sha256()
    for part in (str(record.notification_id), str(record.originator_id),
                 str(record.originator_version), record.topic):
        digest.update(part.encode() + b"\x1f")
    digest.update(bytes(record.state))
    return digest.hexdigest()


def link(previous_chain_hash: str, record: StoredRecord) -> ChainLink:
    rec = record_hash(record)
    chained = hashlib.sha256((previous_chain_hash + rec).encode()).hexdigest()
    return ChainLink(record.notification_id, str(record.originator_id),
                     record.originator_version, rec, chained)


def extend(previous_chain_hash: str, records: Iterable[StoredRecord]) -> Iterator[ChainLink]:
    """Chain links for records in notification order, continuing from a chain head."""
    head = previous_chain_hash
    for record in records:
        new = link(head, record)
        head = new.chain_hash
        yield new


@dataclass
class Verification:
    checked_events: int = 0
    pending_events: int = 0  # stored after the chain's position: not chained yet
    first_mismatch: dict | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.first_mismatch is None


def verify(records: Iterable[StoredRecord], links: Iterable[ChainLink]) -> Verification:
    """Walk store and chain together by notification id; name the first disagreement."""
    result, head = Verification(), GENESIS
    record_iter, link_iter = iter(records), iter(links)
    record, chained = next(record_iter, None), next(link_iter, None)
    while chained is not None:
        if record is None or record.notification_id > chained.notification_id:
            return _mismatch(result, chained, "event deleted from the store")
        if record.notification_id < chained.notification_id:
            return _mismatch(result, record, "event inserted into the chained history")
        if record_hash(record) != chained.record_hash:
            return _mismatch(result, chained, "stored event was altered")
        if link(head, record).chain_hash != chained.chain_hash:
            return _mismatch(result, chained, "audit chain was altered")
        head = chained.chain_hash
        result.checked_events += 1
        record, chained = next(record_iter, None), next(link_iter, None)
    while record is not None:
        result.pending_events += 1
        record = next(record_iter, None)
    return result


def _mismatch(result: Verification, item: StoredRecord | ChainLink, problem: str) -> Verification:
    result.first_mismatch = {"notification_id": item.notification_id,
                             "ticket_id": str(item.originator_id),
                             "version": item.originator_version, "problem": problem}
    return result
