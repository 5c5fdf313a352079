"""Tamper evidence: a keyed hash chain over stored event records, and its verification (pure).

Each application's notification log has its own chain. A link holds the HMAC-SHA256 (keyed with
the audit key, which never enters the database) of one stored record and the HMAC of the
previous link's chain hash joined with it. Someone who edits events and recomputes the links in
PostgreSQL cannot produce links that verify without the key. See docs/AUDIT.md.
"""

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

GENESIS = "0" * 64
KEYED = "hmac-sha256"
LEGACY = "sha256"  # unkeyed links written before the chain was keyed (re-keyed at upgrade)
MAX_LISTED = 1000  # problems listed in one answer; problem_count has the total

ALTERED = "stored event was altered"
DELETED = "event deleted from the store"
INSERTED = "event inserted into the chained history"
RELINKED = "audit chain was altered"
UNKEYED = "link is not keyed (unkeyed sha256 link from before the upgrade): not trusted"
UNCHAINED = "event not chained: stored after the chain head and the audit-chain role is idle"


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
    kind: str = KEYED


class Hasher:
    """Record and chain hashes: HMAC-SHA256 with the audit key, or plain SHA-256 (legacy)."""

    def __init__(self, key: bytes | None):
        self.key = key
        self.kind = KEYED if key else LEGACY

    def _digest(self, *parts: bytes) -> str:
        digest = hmac.new(self.key, digestmod=hashlib.sha256) if self.key else hashlib.sha256()
        for part in parts:
            digest.update(part)
        return digest.hexdigest()

    def record_hash(self, record: StoredRecord) -> str:
        """Over exactly what the event store holds for one event."""
        fields = (str(record.notification_id), str(record.originator_id),
                  str(record.originator_version), record.topic)
        return self._digest(*(part.encode() + b"\x1f" for part in fields), bytes(record.state))

    def chain_hash(self, previous_chain_hash: str, record_hash: str) -> str:
        return self._digest((previous_chain_hash + record_hash).encode())

    def link(self, previous_chain_hash: str, record: StoredRecord) -> ChainLink:
        rec = self.record_hash(record)
        return ChainLink(record.notification_id, str(record.originator_id),
                         record.originator_version, rec, self.chain_hash(previous_chain_hash, rec),
                         self.kind)

    def extend(self, previous_chain_hash: str,
               records: Iterable[StoredRecord]) -> Iterator[ChainLink]:
        """Chain links for records in notification order, continuing from a chain head."""
        head = previous_chain_hash
        for record in records:
            new = self.link(head, record)
            head = new.chain_hash
            yield new


@dataclass
class Verification:
    checked_events: int = 0  # events whose link verified
    pending_events: int = 0  # stored after the head while the chainer is live: not chained yet
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first_mismatch(self) -> dict | None:
        """The first problem in the shape older clients read (ticket_id = originator id)."""
        if not self.problems:
            return None
        first = self.problems[0]
        return {"notification_id": first["notification_id"], "ticket_id": first["originator_id"],
                "version": first["version"], "problem": first["problem"],
                "application": first["application"]}

    def add(self, application: str, item: StoredRecord | ChainLink | None, problem: str,
            notification_id: int | None = None) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append({
                "application": application,
                "notification_id": item.notification_id if item else notification_id,
                "originator_id": str(item.originator_id) if item else None,
                "version": item.originator_version if item else None, "problem": problem})

    def merge(self, other: "Verification") -> None:
        self.checked_events += other.checked_events
        self.pending_events += other.pending_events
        self.problem_count += other.problem_count
        self.problems.extend(other.problems[:MAX_LISTED - len(self.problems)])

    def public(self) -> dict:
        """The API and CLI answer: the old fields, plus every problem."""
        return {"checked_events": self.checked_events, "pending_events": self.pending_events,
                "ok": self.ok, "first_mismatch": self.first_mismatch,
                "problem_count": self.problem_count, "problems": self.problems}


def verify(application: str, records: Iterable[StoredRecord], links: Iterable[ChainLink],
           hasher: Hasher, *, chainer_live: bool) -> Verification:
    """Walk one log and its chain by notification id; name every disagreement.

    Each link is checked against its stored event and against the link before it, so the walk
    goes on past a problem. Events after the chain head are pending only while the chainer is
    live (it will chain them within seconds); otherwise each one is reported as unchained.
    """
    result, previous = Verification(), GENESIS
    record_iter, link_iter = iter(records), iter(links)
    record, chained = next(record_iter, None), next(link_iter, None)
    while chained is not None:
        if record is not None and record.notification_id < chained.notification_id:
            result.add(application, record, INSERTED)
            record = next(record_iter, None)
            continue
        problem = _link_problem(hasher, previous, record, chained)
        if problem:
            result.add(application, chained, problem)
        else:
            result.checked_events += 1
        if record is not None and record.notification_id == chained.notification_id:
            record = next(record_iter, None)
        previous, chained = chained.chain_hash, next(link_iter, None)
    while record is not None:
        if chainer_live:
            result.pending_events += 1
        else:
            result.add(application, record, UNCHAINED)
        record = next(record_iter, None)
    return result


def _link_problem(hasher: Hasher, previous: str, record: StoredRecord | None,
                  chained: ChainLink) -> str | None:
    if chained.kind != hasher.kind:
        return UNKEYED
    if record is None or record.notification_id != chained.notification_id:
        return DELETED
    if hasher.record_hash(record) != chained.record_hash:
        return ALTERED
    if hasher.chain_hash(previous, chained.record_hash) != chained.chain_hash:
        return RELINKED
    return None

