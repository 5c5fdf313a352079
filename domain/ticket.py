"""The entrapment ticket: one aggregate, one event stream per trapped-passenger incident.
Event topics (`domain.ticket:Ticket.AlarmReceived`...) are stored: keep this path and names."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidTransition, InvalidValue
from domain.events import TicketEvent
from domain.ticket_loop import TicketLoop, closed_v1_v2, released_v1_v2
from domain.ticket_rules import MAX_LEVEL, TicketRules
from domain.values import NODE_ZH, CancelReason, Node, notified_side, ticket_id_for


class Ticket(TicketRules, TicketLoop, Aggregate):
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
        """On site (the clock stops); v2 keeps how it was established (domain/arrival.py)."""
        proof: str
        proof_detail: dict[str, Any] | None
        class_version = 2
        upcast_v1_v2 = staticmethod(lambda st: st.update(proof="reported", proof_detail=None))

    class PassengersReleased(TicketEvent):
        """v2 records the rescue method (rescue_methods.json code) and its note."""
        released_count: int
        released_by: str
        rescue_method: str | None
        rescue_note: str | None
        class_version = 2
        upcast_v1_v2 = staticmethod(released_v1_v2)

    class CallbackConfirmed(TicketEvent):
        """回访确认: the trapped person or the using unit confirmed the rescue."""
        confirmed_by: str
        note: str | None

    class Cancelled(TicketEvent):
        reason: str
        note: str | None

    class FaultReportFiled(TicketEvent):
        cause_root: str
        cause_sub: str
        description: str

    class Closed(TicketEvent):
        """The released ticket is closed; v2 gives the reason when no callback was confirmed."""
        without_callback_reason: str | None
        class_version = 2
        upcast_v1_v2 = staticmethod(closed_v1_v2)

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
        self.rescue_method: dict[str, Any] | None = None
        self.callback: dict[str, Any] | None = None
        self.cancelled: dict[str, Any] | None = None
        self.fault_report: dict[str, Any] | None = None
        self.linked_alarms: list[dict[str, Any]] = []

    # ---- commands: check, then record one event ------------------------------------------
    def notify(self, *, at: datetime, station: dict[str, Any] | None, channel: str, actor: str,
               correlation_id: str, level: int | None = None) -> None:
        self._check_open()
        level = level if level is not None else max(self.level, 1)
        self._check_not_on_site("rescuers are already on site; no station to notify",
                               "救援人员已到场，无需再通知救援站")
        if not 1 <= level <= MAX_LEVEL:
            raise InvalidValue("level must be 1, 2 or 3", field="level", zh="级别须为 1、2 或 3")
        self._check_after(Node.NOTIFIED, at)
        self._station_notified(station=station, level=level, channel=channel,
                               side=notified_side(station).value, occurred_at=at, actor=actor,
                               correlation_id=correlation_id)

    def escalate(self, *, at: datetime, reason: str, actor: str, correlation_id: str) -> None:
        self._check_open()
        if Node.ASSIGNED in self.times or Node.ARRIVED in self.times:
            raise InvalidTransition("a responder has already accepted; nothing to escalate",
                                    zh="已有响应人接单，无需升级")
        if self.level >= MAX_LEVEL:
            raise InvalidTransition("already at the highest escalation level", zh="已是最高升级级别")
        self._check_after(Node.NOTIFIED, at)
        self._escalated(from_level=self.level, to_level=max(self.level, 1) + 1, reason=reason,
                        occurred_at=at, actor=actor, correlation_id=correlation_id)

    def assign(self, *, at: datetime, responder: dict[str, Any], actor: str,
               correlation_id: str) -> None:
        self._check_open()
        self._check_notified("assign a responder")
        self._check_not_on_site("the rescue is already on site; the responder is fixed",
                               "救援已到场，响应人不可更换")
        self._check_after(Node.ASSIGNED, at)
        self._responder_assigned(responder=responder, occurred_at=at, actor=actor,
                                 correlation_id=correlation_id)

    def arrive(self, *, at: datetime, actor: str, correlation_id: str, **proof: Any) -> None:
        self._check_open()
        self._check_notified("arrive on site")
        self._check_not_done(Node.ARRIVED)
        self._check_not_done(Node.RELEASED)
        self._check_after(Node.ARRIVED, at)
        self._arrived(occurred_at=at, actor=actor, correlation_id=correlation_id, **proof)

    def cancel(self, *, at: datetime, reason: str, note: str | None, actor: str,
               correlation_id: str) -> None:
        self._check_open()
        if Node.RELEASED in self.times:
            raise InvalidTransition("passengers were released: this was a real entrapment",
                                    zh="已解救被困人员，这是一次真实困人")
        self._check_after(Node.NOTIFIED, at)
        self._cancelled(reason=CancelReason(reason).value, note=note, occurred_at=at,
                        actor=actor, correlation_id=correlation_id)

    def correct_time(self, *, node: str, new: datetime, reason: str, at: datetime, actor: str,
                     correlation_id: str) -> None:
        target = Node(node)
        old = self.times.get(target)
        if old is None:
            raise InvalidTransition(f"{target.value} has not happened; nothing to correct",
                                    zh=f"尚未{NODE_ZH[target]}，无可更正")
        if not reason.strip():
            raise InvalidValue("a correction needs a reason", field="reason", zh="更正须填写原因")
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
    def _arrived(self, occurred_at, actor, correlation_id, proof="reported", proof_detail=None):
        self.times[Node.ARRIVED] = occurred_at

    @event(PassengersReleased)
    def _released(self, released_count, released_by, rescue_method, rescue_note, occurred_at,
                  actor, correlation_id):
        self.times[Node.RELEASED] = occurred_at
        self.released_count, self.released_by = released_count, released_by
        self.rescue_method = {"code": rescue_method, "note": rescue_note} if rescue_method else None

    @event(CallbackConfirmed)
    def _callback_confirmed(self, confirmed_by, note, occurred_at, actor, correlation_id):
        self.callback = {"confirmed_by": confirmed_by, "note": note, "at": occurred_at}

    @event(Cancelled)
    def _cancelled(self, reason, note, occurred_at, actor, correlation_id):
        self.cancelled = {"reason": reason, "note": note, "at": occurred_at}

    @event(FaultReportFiled)
    def _fault_report_filed(self, cause_root, cause_sub, description, occurred_at, actor,
                            correlation_id):
        self.fault_report = {"root": cause_root, "sub": cause_sub, "description": description,
                             "at": occurred_at}

    @event(Closed)
    def _closed(self, without_callback_reason, occurred_at, actor, correlation_id):
        self.times[Node.CLOSED] = occurred_at

    @event(TimeCorrected)
    def _time_corrected(self, node, old, new, reason, occurred_at, actor, correlation_id):
        self.times[Node(node)] = new

    @event(AlarmLinked)
    def _alarm_linked(self, source, source_ref, occurred_at, actor, correlation_id):
        self.linked_alarms.append({"source": source, "source_ref": source_ref, "at": occurred_at})
