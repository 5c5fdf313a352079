"""Dispatch deadlines: where each auto-dispatched ticket stands, so timers survive restarts.

Stages: dispatch (notify `level` now) → await_accept (escalate when nobody accepts in time)
→ accepted → done. Every row carries the ticket version it was derived from: the dispatcher
acts with that version as If-Match, so a timer can never fire twice.
"""

from abc import abstractmethod
from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking

from domain.ticket import Ticket
from projections.skipping import SkippingProjection, SkippingViewPort
from projections.tickets import maintenance_side


class DeadlinesViewPort(SkippingViewPort):
    @abstractmethod
    def open(self, ticket_id: str, fields: dict[str, Any], tracking: Tracking) -> None: ...
    @abstractmethod
    def move(self, ticket_id: str, fields: dict[str, Any], tracking: Tracking) -> None: ...


class DeadlinesProjection(SkippingProjection[DeadlinesViewPort]):
    name = "deadlines"
    process_event = singledispatchmethod(SkippingProjection.skip)

    @process_event.register
    def _(self, e: Ticket.AlarmReceived, tracking: Tracking) -> None:
        if e.dispatch != "auto":
            self.view.skip(tracking)  # a call centre that dispatches itself: hands off
            return
        self.view.open(str(e.originator_id), {
            "ticket_no": e.ticket_no, "lift": e.lift, "trapped_count": e.trapped_count,
            "unit_id": (e.lift or {}).get("unit_id"), "stage": "dispatch", "level": 1,
            "version": e.originator_version, "since": e.timestamp}, tracking)

    @process_event.register
    def _(self, e: Ticket.StationNotified, tracking: Tracking) -> None:
        # The 30-minute overdue clock starts when the maintenance side is told, not 119.
        fields = {"stage": "await_accept", "level": e.level, "version": e.originator_version,
                  "since": e.timestamp}
        if maintenance_side(e):
            fields["first_notified_at"] = e.occurred_at
        self.view.move(str(e.originator_id), fields, tracking)

    @process_event.register
    def _(self, e: Ticket.Escalated, tracking: Tracking) -> None:
        self.view.move(str(e.originator_id), {"stage": "dispatch", "level": e.to_level,
                                              "version": e.originator_version,
                                              "since": e.timestamp}, tracking)

    @process_event.register
    def _(self, e: Ticket.ResponderAssigned, tracking: Tracking) -> None:
        self.view.move(str(e.originator_id), {"stage": "accepted",
                                              "version": e.originator_version}, tracking)

    @process_event.register(Ticket.ArrivedOnSite)
    @process_event.register(Ticket.PassengersReleased)
    @process_event.register(Ticket.Cancelled)
    @process_event.register(Ticket.Closed)
    def _(self, e: Any, tracking: Tracking) -> None:
        self.view.move(str(e.originator_id), {"stage": "done", "version": e.originator_version},
                       tracking)

    @process_event.register
    def _(self, e: Ticket.TimeCorrected, tracking: Tracking) -> None:
        fields: dict[str, Any] = {"version": e.originator_version}
        if e.node == "notified":  # same rule as projections.tickets.corrected_maintenance_time
            fields["notified_correction"] = (e.old, e.new)
        self.view.move(str(e.originator_id), fields, tracking)

    @process_event.register
    def _(self, e: Ticket.AlarmLinked, tracking: Tracking) -> None:
        # The stage stays; the version must follow, or the dispatcher's If-Match on the row
        # would be refused forever and the ticket never notified nor escalated (issue 18).
        self.view.move(str(e.originator_id), {"version": e.originator_version}, tracking)
