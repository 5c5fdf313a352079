"""Upstream relay: ticket and lift records (数据归集) to `lift.upstream.v1`, at least once.

The relay pattern of adapters/kafka/relay.py on a second pair of positions: it reads an event
log after its tracked position, sends the records those events call for (projections/upstream.py),
waits for every acknowledgement, and only then stores the records' ledger (`upstream_records`,
read by `upstream reconcile`) and the new position, in one transaction. A failed send rewinds to
the tracked position; a crash after the ack resends the same id and version (receivers dedupe).
"""

import json
import threading
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from adapters import reference
from adapters.kafka.relay import BATCH, SEND_TIMEOUT_SECONDS, Relay, RelayPosition, log
from adapters.kafka.topics import require_bootstrap
from adapters.runtime.settings import Settings
from dispatch.errors import NotFound
from projections.upstream import CANDIDATES, business_day, lift_record, ticket_record
from projections.upstream_models import Record

Built = tuple[Record, date | None]
Builder = Callable[[Any], list[Built]]
LEDGER = ("INSERT INTO upstream_records (record_type, record_id, record_version, business_day, "
          "event_id, body) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING")
TRACK = ("INSERT INTO kafka_relay_positions AS p (name, position) VALUES (%s, %s) "
         "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()")


def encode_record(record: Record, event_id: str) -> tuple[bytes, bytes, list]:
    """Key (city code:registration code), JSON value and dedupe headers of one record."""
    body = record.model_dump(mode="json", by_alias=True)
    headers = {"record_type": body["record_type"], "record_id": record.record_id,
               "record_version": str(record.record_version), "city_code": record.city_code,
               "event_id": event_id}
    value = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    key = f"{record.city_code}:{body['registration_code']}".encode()
    return key, value, [(name, text.encode()) for name, text in headers.items()]


class UpstreamRelay(Relay):
    """One application's log → the records its events call for; ledger and position together."""

    def __init__(self, app: Any, pool: ConnectionPool, settings: Settings, *, name: str,
                 build: Builder):
        """Built by adapters/bootstrap.py (`build_upstream`)."""
        self.app, self.pool, self.build = app, pool, build
        self.bootstrap = require_bootstrap(settings)
        self.topic, self.topics = settings.kafka_upstream_topic, [settings.kafka_upstream_topic]
        self.partitions = settings.kafka_partitions
        self.position = RelayPosition(pool, name)
        self.producer = None

    def send_batch(self, position: int) -> tuple[int, list[Any]] | None:
        """Hand the records of the notifications after `position` to the producer."""
        notifications = self.app.recorder.select_notifications(start=position + 1, limit=BATCH)
        if not notifications:
            return None
        sent = []
        for notification in notifications:
            event = self.app.mapper.to_domain_event(notification)
            event_id = f"{event.originator_id}:{event.originator_version}"
            for record, day in self.build(event):
                key, value, headers = encode_record(record, event_id)
                future = self._producer().send(self.topic, key=key, value=value, headers=headers)
                sent.append((future, (record.record_type, record.record_id,  # type: ignore[attr-defined]
                                      record.record_version, day, event_id,
                                      Jsonb(json.loads(value)))))
        return notifications[-1].id, sent

    def confirm(self, last: int, sent: list[Any]) -> int:
        """Every ack first (raises on any failure); then ledger rows and position, one commit."""
        for future, _ in sent:
            future.get(timeout=SEND_TIMEOUT_SECONDS)
        with self.pool.connection() as conn, conn.transaction():
            if sent:
                conn.cursor().executemany(LEDGER, [row for _, row in sent])
            conn.execute(TRACK, (self.position.name, last))
        log.debug("upstream_batch_acked", count=len(sent), position=last)
        return last


def ticket_records(tickets: Any, settings: Settings, registry: Any = None) -> Builder:
    """Closed/cancelled tickets and their later corrections → ticket records (the unit's
    统一社会信用代码 from the registry: the alarm's lift snapshot does not carry it)."""
    zone = ZoneInfo(settings.timezone)
    previous = reference.load("fault_causes").get("previous_codes", {})

    def build(event: Any) -> list[Built]:
        if not isinstance(event, CANDIDATES):
            return []
        events = list(tickets.repository.event_store.get(event.originator_id,
                                                         lte=event.originator_version))
        record = ticket_record(events, city_code=settings.city_code, zone=zone,
                               overtime_minutes=settings.overtime_minutes,
                               limits=settings.arrival_limits(),
                               previous_causes=previous)
        if record is None:
            return []
        unit_id = (events[0].lift or {}).get("unit_id")
        if record.maintenance_unit_code is None and registry is not None and unit_id:
            code = _name(registry.unit, unit_id, "code")
            record = record.model_copy(update={"maintenance_unit_code": code})
        return [(record, business_day(record, zone))]

    return build


def lift_records(registry: Any, settings: Settings) -> Builder:
    """Every change of a lift → its basic information as of that change."""

    def build(event: Any) -> list[Built]:
        if type(event).__qualname__.split(".")[0] != "Lift":
            return []
        lift = registry.repository.get(event.originator_id, version=event.originator_version)
        return [(lift_record(lift, version=event.originator_version,
                             city_code=settings.city_code,
                             unit_name=_name(registry.unit, getattr(lift, "unit_id", None)),
                             station_name=_name(registry.station, lift.station_id)), None)]

    return build


def _name(lookup: Callable[[str], Any], aggregate_id: str | None,
          attribute: str = "name") -> str | None:
    """The registry's current name (or code) of a unit or station (None when unknown)."""
    if aggregate_id is None:
        return None
    try:
        return getattr(lookup(aggregate_id), attribute, None)
    except NotFound:  # a record names what it knows; a missing name never stops the relay
        return None


def run_both(relays: list[Any], stop: threading.Event) -> None:
    """Each relay (and pusher) in its own thread: a slow log or receiver holds up no other."""
    threads = [threading.Thread(target=relay.run, args=(stop,), daemon=True,
                                name=f"upstream-{relay.position.name}") for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
