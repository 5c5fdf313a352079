"""Optional HTTP push of the upstream records: JSON, HMAC-SHA256-signed, retried with backoff.

The event log is the outbox: like the Kafka relays, each pusher reads its log after a tracked
position (`kafka_relay_positions`, names `upstream-http-…`), POSTs the records the events call for
(the same builders as the Kafka relay) one by one, and advances the position only after the
receiver answered 2xx. A refusal or an unreachable receiver is logged as an error and retried
with doubling waits (1 s … 5 min); nothing is skipped. Receivers dedupe on `X-Record-Key`.
"""

import hashlib
import hmac
import json
import threading
import urllib.error
import urllib.request
from typing import Any

import psycopg
import structlog
from psycopg_pool import PoolTimeout

from adapters.kafka.relay import RelayPosition
from adapters.kafka.upstream_relay import Builder

log = structlog.get_logger(__name__)
BATCH = 100
IDLE_SECONDS = 0.5
FIRST_WAIT, LONGEST_WAIT = 1.0, 300.0
TIMEOUT_SECONDS = 10
SIGNATURE = "X-LiftRescue-Signature"


class PushRefused(Exception):
    """The receiver did not take a record (non-2xx, or unreachable)."""


def signature(secret: bytes, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the raw body>`: what a receiver recomputes and compares."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def post(url: str, secret: bytes, body: bytes, record_key: str) -> None:
    """POST one record; raises PushRefused unless the receiver answers 2xx."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", SIGNATURE: signature(secret, body),
        "X-Record-Key": record_key, "Idempotency-Key": record_key})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        raise PushRefused(f"unreachable: {exc}") from None
    if not 200 <= status < 300:
        raise PushRefused(f"HTTP {status}")


class UpstreamPush:
    """One log's records to the configured URL, in log order, at least once."""

    def __init__(self, app: Any, pool: Any, *, name: str, build: Builder, url: str,
                 secret: bytes):
        """Built by adapters/bootstrap.py (`build_upstream`, when an URL is configured)."""
        self.app, self.build, self.url, self.secret = app, build, url, secret
        self.position = RelayPosition(pool, name)
        self.failures = 0

    def run(self, stop: threading.Event) -> None:
        """Push until `stop` is set; every failure waits twice as long as the one before."""
        position, wait = self.position.load(), FIRST_WAIT
        log.info("upstream_push_started", position=position, name=self.position.name)
        while not stop.is_set():
            try:
                moved = self.push_once(position)
            except (PushRefused, psycopg.OperationalError, PoolTimeout) as exc:
                self.failures += 1
                log.error("upstream_push_failed", name=self.position.name, position=position,
                          error=str(exc), retry_in_seconds=wait)
                stop.wait(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                continue
            wait = FIRST_WAIT
            if moved == position:
                stop.wait(IDLE_SECONDS)
            position = moved

    def push_once(self, position: int) -> int:
        """Push the records after `position`; the new position (tracked after each record's
        event, so a failure later in the batch never re-pushes what was taken)."""
        saved = position
        for notification in self.app.recorder.select_notifications(start=position + 1,
                                                                   limit=BATCH):
            records = self.build(self.app.mapper.to_domain_event(notification))
            for record, _ in records:
                body = json.dumps(record.model_dump(mode="json", by_alias=True),
                                  ensure_ascii=False, separators=(",", ":")).encode()
                post(self.url, self.secret, body, ":".join(map(str, (
                    record.city_code, record.record_type,  # type: ignore[attr-defined]
                    record.record_id, record.record_version))))
            position = notification.id
            if records:
                self.position.save(position)
                saved = position
        if position != saved:  # events that call for no record: tracked in one go
            self.position.save(position)
        return position


def http_pushes(tickets: Any, registry: Any, pool: Any, settings: Any,
                builders: tuple[Builder, Builder]) -> list[UpstreamPush]:
    """A pusher per log when LIFTRESCUE_UPSTREAM_HTTP_URL is set (none otherwise)."""
    if not settings.upstream_http_url:
        return []
    if settings.upstream_http_secret is None:  # an unsigned push would be forgeable: refuse
        raise SystemExit("LIFTRESCUE_UPSTREAM_HTTP_URL needs LIFTRESCUE_UPSTREAM_HTTP_SECRET "
                         "(the HMAC-SHA256 key the receiver checks X-LiftRescue-Signature with)")
    secret = settings.upstream_http_secret.get_secret_value().encode()
    return [UpstreamPush(app, pool, name=f"upstream-http-{name}", build=build,
                         url=settings.upstream_http_url, secret=secret)
            for app, name, build in ((tickets, "tickets", builders[0]),
                                     (registry, "lifts", builders[1]))]
