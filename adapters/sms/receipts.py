"""Delivery receipts: the gateway's word, per recipient, on whether an outbox message arrived.

A level's station notification whose every addressee (copies aside) failed reached nobody:
`unreached` hands those tickets to the dispatcher, which escalates them like an expired timer.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import structlog
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from dispatch.errors import NotFound
from domain.errors import InvalidValue
from domain.values import mask_mobile

log = structlog.get_logger(__name__)

# The dispatcher keys a level's SMS by the ticket version it was sent at; the StationNotified
# that follows is that version + 1, which is the version the await_accept deadline row carries.
UNREACHED = """
SELECT d.* FROM dispatch_deadlines d
JOIN sms_outbox o ON o.key = d.ticket_id || ':notify:' || (d.version - 1)
WHERE d.stage = 'await_accept' AND d.level < 3
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(o.recipients) r
              WHERE NOT coalesce((r->>'cc')::boolean, false))
  AND NOT EXISTS (
      SELECT 1 FROM jsonb_array_elements(o.recipients) r
      WHERE NOT coalesce((r->>'cc')::boolean, false)
        AND coalesce((SELECT s.status FROM sms_receipts s
                      WHERE s.key = o.key AND s.mobile = r->>'mobile'
                      ORDER BY s.at DESC, s.id DESC LIMIT 1), 'pending') <> 'failed')
ORDER BY d.since LIMIT %s FOR UPDATE OF d SKIP LOCKED"""


class SmsReceipts:
    """Records receipts and answers who got which message."""

    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def record(self, key: str, mobile: str, status: str, at: datetime,
               error: str | None = None) -> bool:
        """Store one receipt (a repeat is harmless); False when it was already recorded."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT recipients FROM sms_outbox WHERE key = %s",
                               (key,)).fetchone()
            if row is None:
                raise NotFound(f"no SMS with key {key}")
            if mobile not in {person["mobile"] for person in row[0]}:
                raise InvalidValue("the message was not sent to this recipient",
                                   zh="此短信并未发给该接收人", field="recipient")
            stored = conn.execute(
                "INSERT INTO sms_receipts (key, mobile, status, at, error) VALUES "
                "(%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
                (key, mobile, status, at, (error or None) and error[:500])).fetchone()
        (log.warning if status == "failed" else log.info)(
            "sms_receipt", key=key, to=mask_mobile(mobile), status=status, new=stored is not None)
        return stored is not None

    def latest(self, keys: Sequence[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """(key, mobile) → the most recent receipt for it."""
        if not keys:
            return {}
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                "SELECT DISTINCT ON (key, mobile) key, mobile, status, at, error "
                "FROM sms_receipts WHERE key = ANY(%s) ORDER BY key, mobile, at DESC, id DESC",
                (list(keys),)).fetchall()
        return {(r["key"], r["mobile"]): r for r in rows}

    @contextmanager
    def unreached(self, limit: int = 20) -> Iterator[list[dict[str, Any]]]:
        """Deadline rows awaiting acceptance whose notification failed for every addressee."""
        with self.pool.connection() as conn, conn.transaction(), \
                conn.cursor(row_factory=dict_row) as cur:
            cur.execute(UNREACHED, (limit,))
            yield cur.fetchall()
