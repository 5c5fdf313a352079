"""Signed audit checkpoints (a chain head kept outside the database) and their checks (pure)."""

import hashlib
import hmac
import json
from collections.abc import Iterable

from projections.audit_chain import GENESIS, Hasher, StoredRecord, Verification

SIGNED_FIELDS = ("application", "position", "head_hash", "time")
BAD_SIGNATURE = "checkpoint signature invalid: the checkpoint was altered or made without the key"
UNREADABLE = "checkpoint line is not a checkpoint"
REWRITTEN = ("stored history up to the checkpoint no longer hashes to its head: events at or "
             "before this position were rewritten, deleted or inserted")


def _signature(key: bytes, fields: dict) -> str:
    message = json.dumps([fields[name] for name in SIGNED_FIELDS], separators=(",", ":"),
                         ensure_ascii=False).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def make(key: bytes, application: str, position: int, head_hash: str, time: str) -> dict:
    """A checkpoint: where one application's chain head was, signed with the audit key."""
    fields = {"application": application, "position": position, "head_hash": head_hash,
              "time": time}
    return fields | {"signature": _signature(key, fields)}


def signature_ok(key: bytes, checkpoint: dict) -> bool:
    try:
        expected = _signature(key, checkpoint)
        return hmac.compare_digest(expected, str(checkpoint["signature"]))
    except (KeyError, TypeError):
        return False


def heartbeat_signature(key: bytes, application: str, position: int, at_us: int) -> str:
    """Signs the chainer's "I passed at" mark, so nobody without the key can fake liveness."""
    return hmac.new(key, f"beat|{application}|{position}|{at_us}".encode(),
                    hashlib.sha256).hexdigest()


def parse_lines(key: bytes, lines: Iterable[str], result: Verification) -> list[dict]:
    """Checkpoints whose signature verifies; each unreadable or forged line is a problem."""
    good = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoint = json.loads(line)
            valid = isinstance(checkpoint, dict) and isinstance(checkpoint.get("position"), int)
        except ValueError:
            valid = False
        if not valid:
            result.add("checkpoint", None, f"{UNREADABLE} (line {number})")
        elif not signature_ok(key, checkpoint):
            result.add(str(checkpoint.get("application")), None,
                       f"{BAD_SIGNATURE} (line {number})", checkpoint["position"])
        else:
            good.append(checkpoint)
    return good


def check(application: str, records: Iterable[StoredRecord], checkpoints: list[dict],
          hasher: Hasher, result: Verification) -> None:
    """Recompute the chain from genesis over the stored records; compare at each checkpoint."""
    pending = sorted(checkpoints, key=lambda c: c["position"])
    head, index = GENESIS, 0
    for record in records:
        while index < len(pending) and record.notification_id > pending[index]["position"]:
            _compare(application, head, pending[index], result)
            index += 1
        if index == len(pending):
            return
        head = hasher.chain_hash(head, hasher.record_hash(record))
    for checkpoint in pending[index:]:
        _compare(application, head, checkpoint, result)


def _compare(application: str, head: str, checkpoint: dict, result: Verification) -> None:
    if not hmac.compare_digest(head, str(checkpoint["head_hash"])):
        result.add(application, None, f"{REWRITTEN} (checkpoint of {checkpoint['time']})",
                   checkpoint["position"])
