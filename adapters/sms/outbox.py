"""SMS: a durable outbox (every message and its status) with two gateways, `log` and `http`.

The outbox key (ticket:notify:version, ticket:overdue...) makes sending idempotent: a message
already tried is never sent again, so a dispatcher restarted mid-way does not spam rescuers.
Delivery receipts from the gateway (adapters.sms.receipts) say whether each person got it.
"""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

import structlog
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from adapters.sms.receipts import SmsReceipts
from dispatch.messages import without_links
from dispatch.policy import Recipient
from domain.values import mask_mobile

log = structlog.get_logger(__name__)


class SmsOutbox:
    """Sends through a gateway once per key and records the outcome."""

    def __init__(self, pool: ConnectionPool, gateway: "LogGateway | HttpGateway"):
        self.pool, self.gateway = pool, gateway
        self.receipts = SmsReceipts(pool)

    @property
    def channel(self) -> str:
        """What a notification through this gateway is recorded as: `log` tells nobody."""
        return self.gateway.channel

    def send(self, key: str, ticket_id: str, recipients: Sequence[Recipient], text: str) -> bool:
        """True when the gateway accepted the message (now or before)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT status FROM sms_outbox WHERE key = %s", (key,)).fetchone()
        if row:
            # A key is tried once (the gateway retries inside): a dispatcher that reads a
            # deadline row the views have not moved yet must not text the same people again.
            # A failed notification escalates instead of being resent.
            return bool(row[0] == "accepted")
        accepted, attempts, error = self.gateway.deliver(key, recipients, text)
        people = [{"name": r.name, "mobile": r.mobile, "cc": r.cc} for r in recipients]
        with self.pool.connection() as conn:
            conn.execute(
                "INSERT INTO sms_outbox (key, ticket_id, recipients, text, gateway, status, "
                "attempts, error) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (key) DO "
                "UPDATE SET status = EXCLUDED.status, attempts = sms_outbox.attempts + "
                "EXCLUDED.attempts, error = EXCLUDED.error, updated_at = now()",
                (key, ticket_id, Jsonb(people), text, self.gateway.name,
                 "accepted" if accepted else "failed", attempts, error))
        # A refused message is an error someone must see, never just an info line.
        (log.info if accepted else log.error)(
            "sms", key=key, accepted=accepted, gateway=self.gateway.name, error=error,
            to=[mask_mobile(r.mobile) for r in recipients])
        return accepted

    def for_ticket(self, ticket_id: str) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute("SELECT key, recipients, text, gateway, status, attempts, error, "
                               "created_at, updated_at FROM sms_outbox WHERE ticket_id = %s "
                               "ORDER BY created_at", (ticket_id,)).fetchall()
        latest = self.receipts.latest([row["key"] for row in rows])
        for row in rows:
            row["recipients"] = [self._delivery(row, r, latest.get((row["key"], r["mobile"])))
                                 for r in row["recipients"]]
            row["text"] = without_links(row["text"])  # a rescuer link is its addressee's alone
        return rows

    @staticmethod
    def _delivery(row: dict[str, Any], person: dict[str, Any],
                  receipt: dict[str, Any] | None) -> dict[str, Any]:
        """One recipient, masked, with what is known of delivery to them."""
        if receipt is not None:
            delivery, at, error = receipt["status"], receipt["at"], receipt["error"]
        elif row["status"] == "failed":
            delivery, at, error = "failed", row["updated_at"], row["error"]
        else:  # the log gateway sends nothing; http waits for the gateway's receipt
            delivery, at, error = ("not_sent" if row["gateway"] == "log" else "pending"), None, None
        return {"name": person["name"], "mobile": mask_mobile(person["mobile"]),
                "cc": bool(person.get("cc")), "delivery": delivery, "delivery_at": at,
                "delivery_error": error}


class LogGateway:
    """Development and drills: accept every message; the outbox row is the record (nobody told)."""

    name = channel = "log"

    def deliver(self, key: str, recipients: Sequence[Recipient],
                text: str) -> tuple[bool, int, str | None]:
        return True, 1, None


class HttpGateway:
    """A generic JSON SMS gateway: POST {key, to, text}; 2xx = accepted; retries with backoff."""

    name, channel = "http", "sms"

    def __init__(self, url: str, attempts: int = 3, backoff: float = 0.2, timeout: float = 3.0):
        self.url, self.attempts, self.backoff, self.timeout = url, attempts, backoff, timeout

    def deliver(self, key: str, recipients: Sequence[Recipient],
                text: str) -> tuple[bool, int, str | None]:
        body = json.dumps({"key": key, "to": [r.mobile for r in recipients],
                           "text": text}).encode()
        error = None
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(self.url, body, method="POST", headers={
                "content-type": "application/json", "idempotency-key": key})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    if 200 <= response.status < 300:
                        return True, attempt, None
                    error = f"HTTP {response.status}"
            except (urllib.error.URLError, OSError) as exc:
                error = str(getattr(exc, "code", "") or exc)[:200]
            time.sleep(self.backoff * 2 ** (attempt - 1))
        return False, self.attempts, error
