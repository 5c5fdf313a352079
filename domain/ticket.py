"""The entrapment ticket: one aggregate, one event stream per trapped-passenger incident.
Event topics (`domain.ticket:Ticket.AlarmReceived`...) are stored: keep this path and names."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidTransition, InvalidValue, NodeOutOfOrder, TicketFinished
from domain.events import TicketEvent
from domain.ticket_rules import MAX_LEVEL, TicketRules
from domain.values import CancelReason, Node, ReleasedBy, notified_side, ticket_id_for


class Ticket(TicketRules, Aggregate):
    """Nodes keep business-time order; nothing follows Closed or Cancelled but a fault report."""

    class AlarmReceived(TicketEvent, Aggregate.Created):
        source: str
        source_ref: str
        ticket_no: str
        lift_code: str
        lift: dict[str, Any] | None
        trapped_count: int | None
        caller: dict[str, Any] | None
        dispatch: str
        note: str | None

    class StationNotified(TicketEvent):
        """v2 records `side` (maintenance | operators); v1 left it to be read from the station."""
        station: dict[str, Any] | None
        level: int
        channel: str
        side: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["side"] = notified_side(state.get("station")).value

    class Escalated(TicketEvent):
        from_level: int
        to_level: int
        reason: str

    class ResponderAssigned(TicketEvent):
        responder: dict[str, Any]

    class ArrivedOnSite(TicketEvent):
        """The rescuer is on site (the 30-minute clock stops)."""

    class PassengersReleased(TicketEvent):
        released_count: int
        released_by: str

    class Cancelled(TicketEvent):
        reason: str
        note: str | None

    class FaultReportFiled(TicketEvent):
        cause_root: str
        cause_sub: str
        description: str

    class Closed(TicketEvent):
        """The released ticket is closed."""

    class TimeCorrected(TicketEvent):
        node: str
        old: datetime
        new: datetime
        reason: str

    class AlarmLinked(TicketEvent):
        source: str
        source_ref: str

    @staticmethod
    def create_id(source: str, source_ref: str) -> UUID:
        return ticket_id_for(source, source_ref)

    @event(AlarmReceived)
    def __init__(  # the alarm carries the whole lift snapshot
        self, *, source: str, source_ref: str, ticket_no: str, lift_code: str,
        lift: dict[str, Any] | None, trapped_count: int | None, caller: dict[str, Any] | None,
        dispatch: str, note: str | None, occurred_at: datetime, actor: str, correlation_id: str,
    ):
        self.source, self.source_ref, self.ticket_no = source, source_ref, ticket_no
        self.lift_code, self.lift, self.trapped_count = lift_code, lift, trapped_count
        self.caller, self.dispatch, self.note = caller, dispatch, note
        self.times: dict[str, datetime] = {Node.RECEIVED: occurred_at}
        self.level = 0
        self.station: dict[str, Any] | None = None
        self.responder: dict[str, Any] | None = None
        self.released_count: int | None = None
        self.released_by: str | None = None
        self.cancelled: dict[str, Any] | None = None
        self.fault_report: dict[str, Any] | None = None
        self.linked_alarms: list[dict[str, Any]] = []

    # ---- commands: check, then record one event ------------------------------------------
    def notify(self, *, at: datetime, station: dict[str, Any] | None, channel: str, actor: str,
               correlation_id: str, level: int | None = None) -> None:
        self._check_open()
        level = level if level is not None else max(self.level, 1)
        self._check_not_on_site("rescuers are already on site; no station to notify")
        if not 1 <= level <= MAX_LEVEL:
            raise InvalidValue("level must be 1, 2 or 3", field="level")
        self._check_after(Node.NOTIFIED, at)
        self._station_notified(station=station, level=level, channel=channel,
                               side=notified_side(station).value, occurred_at=at, actor=actor,
                               correlation_id=correlation_id)

    def escalate(self, *, at: datetime, reason: str, actor: str, correlation_id: str) -> None:
        self._check_open()
        if Node.ASSIGNED in self.times or Node.ARRIVED in self.times:
            raise InvalidTransition("a responder has already accepted; nothing to escalate")
        if self.level >= MAX_LEVEL:
            raise InvalidTransition("already at the highest escalation level")
        self._check_after(Node.NOTIFIED, at)
        self._escalated(from_level=self.level, to_level=max(self.level, 1) + 1, reason=reason,
                        occurred_at=at, actor=actor, correlation_id=correlation_id)

    def assign(self, *, at: datetime, responder: dict[str, Any], actor: str,
               correlation_id: str) -> None:
        self._check_open()
        self._check_notified("assign a responder")
        self._check_not_on_site("the rescue is already on site; the responder is fixed")
        self._check_after(Node.ASSIGNED, at)
        self._responder_assigned(responder=responder, occurred_at=at, actor=actor,
                                 correlation_id=correlation_id)

    def arrive(self, *, at: datetime, actor: str, correlation_id: str) -> None:
        self._check_open()
        self._check_notified("arrive on site")
        self._check_not_done(Node.ARRIVED)
        self._check_not_done(Node.RELEASED)
        self._check_after(Node.ARRIVED, at)
        self._arrived(occurred_at=at, actor=actor, correlation_id=correlation_id)

    def release(self, *, at: datetime, released_count: int, released_by: str, actor: str,
                correlation_id: str) -> None:
        self._check_open()
        self._check_not_done(Node.RELEASED)
        by = ReleasedBy(released_by)
        if by is ReleasedBy.RESCUER and Node.ARRIVED not in self.times:
            raise NodeOutOfOrder("a rescuer cannot release passengers before arriving on site")
        if released_count < 0:
            raise InvalidValue("released_count cannot be negative", field="released_count")
        self._check_after(Node.RELEASED, at)
        self._released(released_count=released_count, released_by=by.value, occurred_at=at,
                       actor=actor, correlation_id=correlation_id)

    def cancel(self, *, at: datetime, reason: str, note: str | None, actor: str,
               correlation_id: str) -> None:
        self._check_open()
        if Node.RELEASED in self.times:
            raise InvalidTransition("passengers were released: this was a real entrapment")
        self._check_after(Node.NOTIFIED, at)
        self._cancelled(reason=CancelReason(reason).value, note=note, occurred_at=at,
                        actor=actor, correlation_id=correlation_id)

    def file_fault_report(self, *, at: datetime, cause_root: str, cause_sub: str,
                          description: str, actor: str, correlation_id: str) -> None:
        if self.cancelled:
            raise TicketFinished("a cancelled ticket has no fault to report")
        if Node.RELEASED not in self.times:
            raise InvalidTransition("a fault report follows the release of the passengers")
        self._check_after(Node.RELEASED, at)
        self._fault_report_filed(cause_root=cause_root, cause_sub=cause_sub,
                                 description=description, occurred_at=at, actor=actor,
                                 correlation_id=correlation_id)

    def close(self, *, at: datetime, actor: str, correlation_id: str) -> None:
        self._check_open()
        if Node.RELEASED not in self.times:
            raise InvalidTransition("only a ticket whose passengers are released can be closed")
        self._check_after(Node.CLOSED, at)
        self._closed(occurred_at=at, actor=actor, correlation_id=correlation_id)

    def correct_time(self, *, node: str, new: datetime, reason: str, at: datetime, actor: str,
                     correlation_id: str) -> None:
        target = Node(node)
        old = self.times.get(target)
        if old is None:
            raise InvalidTransition(f"{target.value} has not happened; nothing to correct")
        if not reason.strip():
            raise InvalidValue("a correction needs a reason", field="reason")
        self._check_after(target, new, field="new")
        self._check_before_later_nodes(target, new)
        self._time_corrected(node=target.value, old=old, new=new, reason=reason,
                             occurred_at=at, actor=actor, correlation_id=correlation_id)

    def link_alarm(self, *, source: str, source_ref: str, at: datetime, actor: str,
                   correlation_id: str) -> None:
        """A second alarm for the same lift joins this open ticket (once: a retry is a no-op)."""
        self._check_open()
        if any((a["source"], a["source_ref"]) == (source, source_ref) for a in self.linked_alarms):
            return
        self._alarm_linked(source=source, source_ref=source_ref, occurred_at=at, actor=actor,
                           correlation_id=correlation_id)

    # ---- events (the only place state changes) ------------------------------------------
    @event(StationNotified)
    def _station_notified(self, station, level, channel, side, occurred_at, actor,
                          correlation_id):
        self.times.setdefault(Node.NOTIFIED, occurred_at)
        self.station, self.level = station, level

    @event(Escalated)
    def _escalated(self, from_level, to_level, reason, occurred_at, actor, correlation_id):
        self.level = to_level

    @event(ResponderAssigned)
    def _responder_assigned(self, responder, occurred_at, actor, correlation_id):
        self.times.setdefault(Node.ASSIGNED, occurred_at)
        self.responder = responder

    @event(ArrivedOnSite)
    def _arrived(self, occurred_at, actor, correlation_id):
        self.times[Node.ARRIVED] = occurred_at

    @event(PassengersReleased)
    def _released(self, released_count, released_by, occurred_at, actor, correlation_id):
        self.times[Node.RELEASED] = occurred_at
        self.released_count, self.released_by = released_count, released_by

    @event(Cancelled)
    def _cancelled(self, reason, note, occurred_at, actor, correlation_id):
        self.cancelled = {"reason": reason, "note": note, "at": occurred_at}

    @event(FaultReportFiled)
    def _fault_report_filed(self, cause_root, cause_sub, description, occurred_at, actor,
                            correlation_id):
        self.fault_report = {"root": cause_root, "sub": cause_sub, "description": description,
                             "at": occurred_at}

    @event(Closed)
    def _closed(self, occurred_at, actor, correlation_id):
        self.times[Node.CLOSED] = occurred_at

    @event(TimeCorrected)
    def _time_corrected(self, node, old, new, reason, occurred_at, actor, correlation_id):
        self.times[Node(node)] = new

    @event(AlarmLinked)
    def _alarm_linked(self, source, source_ref, occurred_at, actor, correlation_id):
        self.linked_alarms.append({"source": source, "source_ref": source_ref, "at": occurred_at})
