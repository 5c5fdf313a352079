"""The ticket read model: one row per ticket with its node times, for dynamics, overtime and
statistics. `reduce` is pure and shared by the live view and the batch rebuild, so a rebuilt
view equals the live one row for row."""

from abc import ABC, abstractmethod
from datetime import datetime
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from domain.ticket import Ticket
from domain.values import NotifiedSide

Row = dict[str, Any]
NODE_COLUMNS = {"received": "received_at", "notified": "notified_at", "assigned": "assigned_at",
                "arrived": "arrived_at", "released": "released_at", "closed": "closed_at"}


def maintenance_side(event: Ticket.StationNotified) -> bool:
    """Whether a notification reached the maintenance side (station or unit lead), as the
    ticket recorded it (v1 events are upcast from the station's kind)."""
    return event.side == NotifiedSide.MAINTENANCE


def corrected_maintenance_time(maint: datetime | None, old: datetime,
                               new: datetime) -> datetime | None:
    """The maintenance side's notification time after `notified` is corrected from old to new:
    it moves with the correction when it WAS the first notification; otherwise it stays, but
    never before the (corrected) first notification."""
    if maint is None:
        return None
    return new if maint == old else max(maint, new)


@singledispatch
def reduce(event: Any, row: Row | None) -> Row | None:
    """The row after `event` (None: the event does not change the row)."""
    return None


@reduce.register
def _(e: Ticket.AlarmReceived, row: Row | None) -> Row:
    lift = e.lift or {}
    return {"ticket_id": str(e.originator_id), "ticket_no": e.ticket_no,
            "lift_code": e.lift_code, "registration_code": lift.get("registration_code"),
            "unit_id": lift.get("unit_id"), "unit_name": lift.get("unit_name"),
            "station_id": lift.get("station_id"), "station_name": lift.get("station_name"),
            "district": lift.get("district"), "site_type": lift.get("site_type"),
            "address": lift.get("address"), "dispatch": e.dispatch, "status": "received",
            "level": 0, "trapped_count": e.trapped_count, "received_at": e.occurred_at,
            "notified_at": None, "maint_notified_at": None, "assigned_at": None,
            "arrived_at": None, "released_at": None, "closed_at": None, "responder_name": None,
            "notified_station_id": None, "notified_station_name": None, "cancel_reason": None, "cause_root": None,
            "cause_sub": None, "version": e.originator_version,
            "rescue_code": lift.get("rescue_code"), "using_unit_code": lift.get("using_unit_code"),
            "using_unit_name": lift.get("using_unit_name"), "rescue_method": None,
            "callback_confirmed_at": None, "arrival_proof": None}


def _step(row: Row, e: Any, **changes: Any) -> Row:
    return {**row, **changes, "version": e.originator_version}


@reduce.register
def _(e: Ticket.StationNotified, row: Row) -> Row:
    station = e.station or {}
    first = row["notified_at"] is None
    # The ticket's station: the lift's bound one, else the first real station notified (never
    # the operator desk or a unit lead, whose names are not stations').
    real = station.get("kind") in (None, "station") and station.get("id")
    own = row["station_id"] is not None or not real
    maint = row["maint_notified_at"]
    if maint is None and maintenance_side(e):
        maint = e.occurred_at
    return _step(row, e, level=e.level, status=_later(row["status"], "notified"),
                 notified_at=row["notified_at"] or e.occurred_at, maint_notified_at=maint,
                 notified_station_id=row["notified_station_id"] if not first else station.get("id"),
                 notified_station_name=row["notified_station_name"] if not first
                 else station.get("name"),
                 station_id=row["station_id"] if own else station.get("id"),
                 station_name=row["station_name"] if own else station.get("name"))


@reduce.register
def _(e: Ticket.Escalated, row: Row) -> Row:
    return _step(row, e, level=e.to_level)


@reduce.register
def _(e: Ticket.ResponderAssigned, row: Row) -> Row:
    return _step(row, e, status=_later(row["status"], "assigned"),
                 assigned_at=row["assigned_at"] or e.occurred_at,
                 responder_name=e.responder.get("name"))


@reduce.register
def _(e: Ticket.ArrivedOnSite, row: Row) -> Row:
    return _step(row, e, status=_later(row["status"], "arrived"), arrived_at=e.occurred_at,
                 arrival_proof=e.proof)


@reduce.register
def _(e: Ticket.PassengersReleased, row: Row) -> Row:
    return _step(row, e, status=_later(row["status"], "released"), released_at=e.occurred_at,
                 rescue_method=e.rescue_method)


@reduce.register
def _(e: Ticket.CallbackConfirmed, row: Row) -> Row:
    return _step(row, e, callback_confirmed_at=e.occurred_at)


@reduce.register
def _(e: Ticket.Cancelled, row: Row) -> Row:
    return _step(row, e, status="cancelled", cancel_reason=e.reason)


@reduce.register
def _(e: Ticket.FaultReportFiled, row: Row) -> Row:
    return _step(row, e, cause_root=e.cause_root, cause_sub=e.cause_sub)


@reduce.register
def _(e: Ticket.Closed, row: Row) -> Row:
    return _step(row, e, status="closed", closed_at=e.occurred_at)


@reduce.register
def _(e: Ticket.TimeCorrected, row: Row) -> Row:
    changes = {NODE_COLUMNS[e.node]: e.new}
    if e.node == "notified":
        changes["maint_notified_at"] = corrected_maintenance_time(
            row["maint_notified_at"], row["notified_at"], e.new)
    if e.node == "arrived":  # a time typed in by hand is someone's word, not proof on site
        changes["arrival_proof"] = "reported"
    return _step(row, e, **changes)


ORDER = ["received", "notified", "assigned", "arrived", "released", "closed"]


def _later(current: str, new: str) -> str:
    if current == "cancelled" or current not in ORDER:
        return current
    return new if ORDER.index(new) > ORDER.index(current) else current


def minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 2)


class TicketsViewPort(TrackingRecorder, ABC):
    @abstractmethod
    def apply(self, ticket_id: str, event: Any, tracking: Tracking) -> None:
        """Reduce the event onto the ticket's row; row and tracking in one transaction."""


class TicketsProjection(Projection[TicketsViewPort]):
    name = "tickets_view"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply(str(domain_event.originator_id), domain_event, tracking)
