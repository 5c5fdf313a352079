"""SMS: a durable outbox (every message and its status) with two gateways, `log` and `http`.

The outbox key (ticket:level, ticket:overdue...) makes sending idempotent: a message already
accepted is never sent again, so a dispatcher restarted mid-way does not spam rescuers.
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

from dispatch.policy import Recipient
from domain.values import mask_mobile

log = structlog.get_logger(__name__)
OUTBOX = """CREATE TABLE IF NOT EXISTS sms_outbox (
    key text PRIMARY KEY, ticket_id text NOT NULL, recipients jsonb NOT NULL, text text NOT NULL,
    gateway text NOT NULL, status text NOT NULL, attempts int NOT NULL DEFAULT 0, error text,
    created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())"""


class SmsOutbox:
    """Sends through a gateway once per key and records the outcome."""

    def __init__(self, pool: ConnectionPool, gateway: "LogGateway | HttpGateway"):
        self.pool, self.gateway = pool, gateway

    def send(self, key: str, ticket_id: str, recipients: Sequence[Recipient], text: str) -> bool:
        """True when the gateway accepted the message (now or before)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT status FROM sms_outbox WHERE key = %s", (key,)).fetchone()
        if row and row[0] == "accepted":
            return True
        accepted, attempts, error = self.gateway.deliver(key, recipients, text)
        people = [{"name": r.name, "mobile": r.mobile} for r in recipients]
        with self.pool.connection() as conn:
            conn.execute(
                "INSERT INTO sms_outbox (key, ticket_id, recipients, text, gateway, status, "
                "attempts, error) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (key) DO "
                "UPDATE SET status = EXCLUDED.status, attempts = sms_outbox.attempts + "
                "EXCLUDED.attempts, error = EXCLUDED.error, updated_at = now()",
                (key, ticket_id, Jsonb(people), text, self.gateway.name,
                 "accepted" if accepted else "failed", attempts, error))
        log.info("sms", key=key, accepted=accepted, to=[mask_mobile(r.mobile) for r in recipients])
        return accepted

    def for_ticket(self, ticket_id: str) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute("SELECT key, recipients, text, gateway, status, attempts, error, "
                               "created_at, updated_at FROM sms_outbox WHERE ticket_id = %s "
                               "ORDER BY created_at", (ticket_id,)).fetchall()
        for row in rows:
            row["recipients"] = [{"name": r["name"], "mobile": mask_mobile(r["mobile"])}
                                 for r in row["recipients"]]
        return rows


class LogGateway:
    """Default: accept every message; the outbox row is the record (no network)."""

    name = "log"

    def deliver(self, key: str, recipients: Sequence[Recipient],
                text: str) -> tuple[bool, int, str | None]:
        return True, 1, None


class HttpGateway:
    """A generic JSON SMS gateway: POST {key, to, text}; 2xx = accepted; retries with backoff."""

    name = "http"

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
