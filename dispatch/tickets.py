"""TicketApp: one method per command, each get → decide → save → notification id.

Alarms (open or link) are received by dispatch/alarm_intake.py, mixed in."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from dispatch.alarm_intake import DEFAULT_LINK_WINDOW, AlarmIntake, LiftAlarmsApp, Outcome
from dispatch.commands import (
    ArriveOnSite, AssignResponder, CancelTicket, CloseTicket, ConfirmCallback, Context,
    CorrectTime, Escalate, FileFaultReport, LinkAlarm, NotifyStation, ReleasePassengers,
    TicketCommand,
)
from dispatch.errors import ConcurrentUpdate, VersionMismatch
from dispatch.personal_data import sealed
from dispatch.ports import (
    BatchSaver, FaultCauses, LiftDirectory, NoPersonalData, PersonalData, TicketNumbers,
    UnknownLifts,
)
from dispatch.ticket_queries import TicketQueries
from domain.arrival import check_proof
from domain.errors import InvalidValue
from domain.ticket import Ticket
from domain.values import business_time

SAVE_ATTEMPTS = 3


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TicketApp(AlarmIntake, TicketQueries, Application[UUID]):
    """The ticket stream's use cases; one method per command."""

    name = "tickets"

    def __init__(self, env: dict[str, str] | None = None, *,
                 numbers: TicketNumbers | None = None, causes: FaultCauses | None = None,
                 lifts: LiftDirectory | None = None,
                 clock: Callable[[], datetime] = _utcnow,
                 saver: Callable[[Callable[..., list[Any]]], BatchSaver] | None = None,
                 link_window: timedelta = DEFAULT_LINK_WINDOW,
                 personal_data: PersonalData | None = None):
        super().__init__(env)
        self.personal_data = personal_data or NoPersonalData()
        # Many request threads: the composition root may hand in a saver that batches their
        # saves into shared transactions (adapters/postgres/group_commit.py).
        self.saver = saver(self.save) if saver is not None else None
        # Optional so projection runners can build a read-only instance from env alone.
        self.numbers, self.causes = numbers, causes
        self.lifts = lifts or UnknownLifts()
        self.clock, self.link_window = clock, link_window
        # Same database, its own table: built here, so inside the caller's schema lock.
        self.lift_alarms = LiftAlarmsApp(dict(self.env))

    # ---- one method per node command ------------------------------------------------------
    def notify_station(self, cmd: NotifyStation, ctx: Context) -> Outcome:
        """A rescue station, the unit's lead or the operator desk was told."""
        at = self._time(cmd.at, "at")
        station = self._registered(cmd.station)
        return self._decide(cmd.ticket_id, ctx, lambda t: t.notify(
            at=at, station=station, channel=cmd.channel, level=cmd.level, **ctx.who))

    def _registered(self, station: dict[str, Any] | None) -> dict[str, Any] | None:
        """A station named only by id (an operator's or a unit system's notify) must be one of
        the registry's, recorded with its name and unit; the dispatcher hands in whole targets."""
        if not station or set(station) != {"id"}:
            return station
        found = self.lifts.station(str(station["id"]))
        if found is None:
            raise InvalidValue(f"no rescue station {station['id']}", field="station_id",
                               zh=f"无此救援站 {station['id']}")
        return found

    def escalate(self, cmd: Escalate, ctx: Context) -> Outcome:
        """Nobody answered (or could be reached): raise the ticket to the next level."""
        at = self._time(cmd.at, "at")
        return self._decide(cmd.ticket_id, ctx,
                            lambda t: t.escalate(at=at, reason=cmd.reason, **ctx.who))

    def assign_responder(self, cmd: AssignResponder, ctx: Context) -> Outcome:
        """The responder who accepted; the event keeps the mobile masked and by reference."""
        at = self._time(cmd.at, "at")
        responder = sealed(self.personal_data, "responder_mobile", dict(cmd.responder), "mobile")
        return self._decide(cmd.ticket_id, ctx,
                            lambda t: t.assign(at=at, responder=responder, **ctx.who))

    def arrive_on_site(self, cmd: ArriveOnSite, ctx: Context) -> Outcome:
        """On site, with how it was established (qr_scan | gps | reported)."""
        at, proof = self._time(cmd.at, "at"), check_proof(cmd.proof, cmd.proof_detail)
        return self._decide(cmd.ticket_id, ctx, lambda t: t.arrive(
            at=at, proof=proof, proof_detail=cmd.proof_detail, **ctx.who))

    def release_passengers(self, cmd: ReleasePassengers, ctx: Context) -> Outcome:
        at = self._time(cmd.at, "at")
        return self._decide(cmd.ticket_id, ctx, lambda t: t.release(
            at=at, released_count=cmd.released_count, released_by=cmd.released_by,
            rescue_method=cmd.rescue_method, rescue_note=cmd.rescue_note, **ctx.who))

    def cancel_ticket(self, cmd: CancelTicket, ctx: Context) -> Outcome:
        at = self._time(cmd.at, "at")
        return self._decide(cmd.ticket_id, ctx, lambda t: t.cancel(
            at=at, reason=cmd.reason, note=cmd.note, **ctx.who))

    def file_fault_report(self, cmd: FileFaultReport, ctx: Context) -> Outcome:
        """The fault analysis; its cause must be in the fault cause table."""
        at = self._time(cmd.at, "at")
        if self.causes.describe(cmd.cause_root, cmd.cause_sub) is None:
            raise InvalidValue(f"cause {cmd.cause_root}/{cmd.cause_sub} is not in the fault "
                               "cause table", field="cause",
                               zh=f"故障原因 {cmd.cause_root}/{cmd.cause_sub} 不在故障原因表中")
        if self.causes.needs_note(cmd.cause_root, cmd.cause_sub) and not any(
                ch.isalnum() for ch in cmd.description):  # the console sends "—" for none
            raise InvalidValue(f"cause {cmd.cause_root}/{cmd.cause_sub} is an \"other\" entry: "
                               "the description must say what it was", field="description",
                               zh=f"故障原因 {cmd.cause_root}/{cmd.cause_sub} 为“其他”，须填写说明")
        return self._decide(cmd.ticket_id, ctx, lambda t: t.file_fault_report(
            at=at, cause_root=cmd.cause_root, cause_sub=cmd.cause_sub,
            description=cmd.description, **ctx.who))

    def close_ticket(self, cmd: CloseTicket, ctx: Context) -> Outcome:
        at = self._time(cmd.at, "at")
        return self._decide(cmd.ticket_id, ctx, lambda t: t.close(
            at=at, without_callback_reason=cmd.without_callback_reason, **ctx.who))

    def confirm_callback(self, cmd: ConfirmCallback, ctx: Context) -> Outcome:
        """回访确认 after the release: who confirmed, when, with an optional note."""
        at = self._time(cmd.at, "at")
        return self._decide(cmd.ticket_id, ctx, lambda t: t.confirm_callback(
            at=at, confirmed_by=cmd.confirmed_by, note=cmd.note, **ctx.who))

    def correct_time(self, cmd: CorrectTime, ctx: Context) -> Outcome:
        """A node's business time, corrected with a reason (the history keeps both)."""
        at, new = self._time(cmd.at, "at"), self._time(cmd.new, "new")
        return self._decide(cmd.ticket_id, ctx, lambda t: t.correct_time(
            node=cmd.node, new=new, reason=cmd.reason, at=at, **ctx.who))

    def link_alarm(self, cmd: LinkAlarm, ctx: Context) -> Outcome:
        """Another alarm for the lift joins this open ticket."""
        at = self._time(cmd.at, "at")
        return self._decide(cmd.ticket_id, ctx, lambda t: t.link_alarm(
            source=cmd.source, source_ref=cmd.source_ref, at=at, **ctx.who))

    def handle(self, cmd: TicketCommand, ctx: Context) -> Outcome:
        """Run any ticket command (for callers that build commands from data: forms, Kafka)."""
        return COMMANDS[type(cmd)][0](self, cmd, ctx)

    def handle_once(self, cmd: TicketCommand, ctx: Context) -> Outcome | None:
        """At-least-once delivery: when the command's event is already recorded at the same
        business time this is a redelivery, and nothing is stored (None)."""
        recorded = COMMANDS[type(cmd)][1]
        for event in self.history(cmd.ticket_id):
            if isinstance(event, recorded) and event.occurred_at == cmd.at:
                return None
        return self.handle(cmd, ctx)

    # ---- the shared get → decide → save loop --------------------------------------------
    def _decide(self, ticket_id: UUID, ctx: Context,
                decide: Callable[[Ticket], None]) -> Outcome:
        for attempt in range(SAVE_ATTEMPTS):
            ticket = self.ticket(ticket_id, unit_id=ctx.unit_id)
            if ctx.expected_version is not None and ticket.version != ctx.expected_version:
                raise VersionMismatch(ctx.expected_version, ticket.version)
            decide(ticket)
            if not ticket.pending_events:  # nothing new to record (a repeated link)
                return Outcome(ticket, None, created=False)
            try:
                recordings = self._store(ticket)
            except IntegrityError:
                # Someone saved first. Without If-Match the command is re-checked against the
                # newer state; with it, the caller's view is stale.
                if ctx.expected_version is not None:
                    raise VersionMismatch(ctx.expected_version, ticket.version - 1) from None
                if attempt == SAVE_ATTEMPTS - 1:
                    raise ConcurrentUpdate("工单一直在变化，请重试 (ticket kept changing; "
                                           "retry the command)") from None
                continue
            return Outcome(ticket, recordings[-1].notification.id)
        raise AssertionError("unreachable")  # pragma: no cover

    def _store(self, ticket: Ticket) -> list[Any]:
        if self.saver is None:
            return self.save(ticket)
        return self.saver.submit(ticket.collect_events())

    def close(self) -> None:
        if self.saver is not None:
            self.saver.stop()
        self.lift_alarms.close()
        super().close()

    def _time(self, value: datetime | None, field: str) -> datetime:
        return business_time(value, field, self.clock())


# Each command: its TicketApp method, and the event it records (a redelivered command finds
# that event at the same business time).
COMMANDS: dict[type[TicketCommand], tuple[Callable[..., Outcome], type[Any]]] = {
    NotifyStation: (TicketApp.notify_station, Ticket.StationNotified),
    Escalate: (TicketApp.escalate, Ticket.Escalated),
    AssignResponder: (TicketApp.assign_responder, Ticket.ResponderAssigned),
    ArriveOnSite: (TicketApp.arrive_on_site, Ticket.ArrivedOnSite),
    ReleasePassengers: (TicketApp.release_passengers, Ticket.PassengersReleased),
    CancelTicket: (TicketApp.cancel_ticket, Ticket.Cancelled),
    FileFaultReport: (TicketApp.file_fault_report, Ticket.FaultReportFiled),
    CloseTicket: (TicketApp.close_ticket, Ticket.Closed),
    ConfirmCallback: (TicketApp.confirm_callback, Ticket.CallbackConfirmed),
    CorrectTime: (TicketApp.correct_time, Ticket.TimeCorrected),
    LinkAlarm: (TicketApp.link_alarm, Ticket.AlarmLinked),
}
