"""Upstream records (数据归集), pure: a ticket's events → its record; a lift's facts → its
basic-information record. The one mapping to reference/data_elements.json (see
projections/upstream_models.py); adapters/kafka/upstream_relay.py sends what this returns.

A ticket sends a record when it finishes (Closed, or Cancelled: a false alarm; a duplicate sends
none, its entrapment is the other ticket's) and again after every later TimeCorrected or
FaultReportFiled; its record_version counts those events, so a
resend of the same event carries the same version (receivers dedupe on id + version).
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from domain.arrival_limits import ArrivalLimits, arrival_limit
from domain.ticket import Ticket
from domain.values import CancelReason
from projections.tickets import minutes, reduce
from projections.upstream_models import LiftRecord, TicketRecord, missing_elements

FINISHING = (Ticket.Closed, Ticket.Cancelled)
AMENDING = (Ticket.TimeCorrected, Ticket.FaultReportFiled)
CANDIDATES = FINISHING + AMENDING  # events that may send a record (cheap filter for relays)


def record_version(events: Sequence[Any]) -> int | None:
    """The record version the last event sends (None: it sends nothing)."""
    finished, version, sends = False, 0, False
    for event in events:
        sends = isinstance(event, FINISHING) or (finished and isinstance(event, AMENDING))
        version += sends
        finished = finished or isinstance(event, FINISHING)
    return version if sends else None


def ticket_record(events: Sequence[Any], *, city_code: str, overtime_minutes: int,
                  zone: tzinfo, previous_causes: Mapping[str, str] | None = None,
                  limits: ArrivalLimits | None = None) -> TicketRecord | None:
    """The record the ticket's last event sends (None when that event sends none); overtime
    by the arrival limit of the lift's district (`limits`, else overtime_minutes everywhere)."""
    version = record_version(events)
    if version is None:
        return None
    row: dict[str, Any] | None = None
    for event in events:
        row = reduce(event, row) or row
    assert row is not None
    if row["cancel_reason"] == CancelReason.DUPLICATE:
        return None  # the same entrapment as the ticket it duplicates: that one is its record
    facts = _facts(events)
    category, code = _cause(row["cause_root"], row["cause_sub"], previous_causes or {})
    arrived, notified = row["arrived_at"], row["maint_notified_at"]
    cancelled = row["status"] == "cancelled"
    record = dict(
        city_code=city_code, record_id=row["ticket_no"], record_version=version,
        registration_code=row["registration_code"] or row["lift_code"],
        rescue_code=row["rescue_code"], district=row["district"], site_type=row["site_type"],
        using_unit_name=row["using_unit_name"], maintenance_unit_code=facts["unit_code"],
        maintenance_unit_name=row["unit_name"], alarm_source=facts["source"],
        trapped_at=None, received_at=_local(row["received_at"], zone),
        dispatched_at=_local(row["notified_at"], zone), response_level=row["level"] or None,
        responded_at=_local(row["assigned_at"], zone), arrived_at=_local(arrived, zone),
        released_at=_local(row["released_at"], zone),
        closed_at=_local(row["closed_at"] or facts["cancelled_at"], zone),
        callback_confirmed_at=_local(row["callback_confirmed_at"], zone),
        false_alarm=cancelled, trapped_count=row["trapped_count"],
        released_count=facts["released_count"], released_by=facts["released_by"],
        rescue_method=row["rescue_method"],
        rescuing_unit=row["station_name"] if facts["released_by"] == "rescuer" else None,
        cause_category=category, cause_code=code, cause_note=facts["cause_note"],
        minutes_to_respond=minutes(notified, row["assigned_at"]),
        minutes_to_arrive=minutes(notified, arrived),
        overtime=_overtime(cancelled, notified, arrived, row["released_at"], arrival_limit(
            limits or ArrivalLimits.of(overtime_minutes), row["district"])))
    return TicketRecord(**record, missing_elements=missing_elements(record))


def business_day(record: TicketRecord, zone: tzinfo) -> date:
    """The day (in the platform's time zone) a ticket record counts for: its receipt."""
    return record.received_at.astimezone(zone).date()


def lift_record(lift: Any, *, version: int, city_code: str, unit_name: str | None,
                station_name: str | None) -> LiftRecord:
    """A lift aggregate's basic information (names looked up by the caller)."""
    using = getattr(lift, "using_unit", None) or {}
    return LiftRecord(
        city_code=city_code, record_id=lift.registration_code, record_version=version,
        registration_code=lift.registration_code, rescue_code=getattr(lift, "rescue_code", None),
        address=lift.address, district=lift.district, site_type=getattr(lift, "site_type", None),
        using_unit_code=using.get("code"), using_unit_name=using.get("name"),
        maintenance_unit_name=unit_name, station_name=station_name,
        in_service=bool(getattr(lift, "in_service", True)))


def _facts(events: Sequence[Any]) -> dict[str, Any]:
    """What the tickets view row does not keep but the record needs."""
    first = events[0]
    facts: dict[str, Any] = {"source": first.source, "released_count": None,
                             "released_by": None, "cause_note": None, "cancelled_at": None,
                             "unit_code": (first.lift or {}).get("unit_code")}
    for event in events:
        if isinstance(event, Ticket.PassengersReleased):
            facts["released_count"], facts["released_by"] = (event.released_count,
                                                             event.released_by)
        elif isinstance(event, Ticket.FaultReportFiled):
            facts["cause_note"] = event.description or None
        elif isinstance(event, Ticket.Cancelled):
            facts["cancelled_at"] = event.occurred_at
    return facts


def _cause(root: str | None, sub: str | None,
           previous: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(category, sub-cause); an earlier provisional root maps to its category, no sub-cause."""
    if root is None:
        return None, None
    if root in previous:
        return previous[root], None
    return root, sub


def _overtime(cancelled: bool, notified: datetime | None, arrived: datetime | None,
              released: datetime | None, limit: int) -> str:
    """As the city's own views say (adapters/postgres/ticket_queries.py REASON)."""
    end = arrived or released
    if cancelled or notified is None or end is None:
        return "none"
    if (end - notified).total_seconds() <= limit * 60:
        return "none"
    return "late" if arrived is not None else "never_arrived"


def _local(moment: datetime | None, zone: tzinfo) -> datetime | None:
    return moment.astimezone(zone) if moment is not None else None
