"""TicketApp: every ticket command as get → call the aggregate → save → notification id."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from dispatch.commands import Context, ReceiveAlarm, TicketStep
from dispatch.errors import ConcurrentUpdate, TicketNotFound, VersionMismatch
from dispatch.ports import BatchSaver, FaultCauses, LiftDirectory, TicketNumbers, UnknownLifts
from domain.errors import InvalidValue
from domain.ticket import Ticket
from domain.values import mask_mobile, require_aware, ticket_id_for

# Clients' clocks drift; business times further ahead than this are refused as typos.
CLOCK_SKEW = timedelta(minutes=2)
# No elevator alarm is recorded before this; earlier business times are typos (e.g. year 1).
EARLIEST_BUSINESS_TIME = datetime(2000, 1, 1, tzinfo=UTC)
SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    ticket: Ticket
    notification_id: int | None
    created: bool = True


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TicketApp(Application[UUID]):
    """The ticket stream's use cases; one method per command."""

    name = "tickets"

    def __init__(self, env: dict[str, str] | None = None, *,
                 numbers: TicketNumbers | None = None, causes: FaultCauses | None = None,
                 lifts: LiftDirectory | None = None,
                 clock: Callable[[], datetime] = _utcnow,
                 saver: Callable[[Callable[..., list[Any]]], BatchSaver] | None = None):
        super().__init__(env)
        # Many request threads: the composition root may hand in a saver that batches their
        # saves into shared transactions (adapters/postgres/group_commit.py).
        self.saver = saver(self.save) if saver is not None else None
        # Optional so projection runners can build a read-only instance from env alone.
        self.numbers, self.causes = numbers, causes
        self.lifts = lifts or UnknownLifts()
        self.clock = clock

    # ---- commands -----------------------------------------------------------------------
    def receive_alarm(self, cmd: ReceiveAlarm, ctx: Context) -> Outcome:
        """Open a ticket for an alarm; the same (source, source_ref) returns the same ticket."""
        ticket_id = ticket_id_for(cmd.source, cmd.source_ref)
        ticket = self._open(cmd, ctx, None)
        try:
            recordings = self._store(ticket)
        except IntegrityError:
            # Same (source, source_ref) already stored: a retry. Insert-first saves a lookup on
            # every new alarm; the cost is a skipped ticket number on each retry.
            return Outcome(self.ticket(ticket_id), None, created=False)
        return Outcome(ticket, recordings[-1].notification.id)

    def receive_alarms(self, requests: Sequence[tuple[ReceiveAlarm, Context]]) -> list[Outcome]:
        """Many alarms saved in one transaction (Kafka intake); same rules as receive_alarm."""
        if not requests:
            return []
        cmds = [cmd for cmd, _ in requests]
        # Optimistic: new alarms need no lookup; a known one makes the save fail, and then
        # each alarm is taken on its own (which finds the existing ticket).
        fresh: dict[UUID, tuple[ReceiveAlarm, Context]] = {}
        for cmd, ctx in requests:
            fresh.setdefault(ticket_id_for(cmd.source, cmd.source_ref), (cmd, ctx))
        next_numbers = getattr(self.numbers, "next_numbers", None)
        numbers = (next_numbers(self.clock(), len(fresh)) if next_numbers and fresh
                   else [None] * len(fresh))
        tickets = [self._open(cmd, ctx, no) for (cmd, ctx), no in zip(fresh.values(), numbers)]
        try:
            recordings = self.save(*tickets)
        except IntegrityError:
            return [self.receive_alarm(cmd, ctx) for cmd, ctx in requests]
        found = {t.id: Outcome(t, r.notification.id) for t, r in zip(tickets, recordings)}
        outcomes = []
        for cmd in cmds:
            outcome = found[ticket_id_for(cmd.source, cmd.source_ref)]
            outcomes.append(outcome)
            found[outcome.ticket.id] = Outcome(outcome.ticket, None, created=False)
        return outcomes

    def step(self, cmd: TicketStep, ctx: Context) -> Outcome:
        """Apply one node, escalation, cancellation, report, close or correction."""
        at = self._business_time(cmd.at, "at")
        data = self._prepare(cmd.kind, dict(cmd.data))
        for attempt in range(SAVE_ATTEMPTS):
            ticket = self.ticket(cmd.ticket_id, unit_id=ctx.unit_id)
            if ctx.expected_version is not None and ticket.version != ctx.expected_version:
                raise VersionMismatch(ctx.expected_version, ticket.version)
            getattr(ticket, cmd.kind)(at=at, actor=ctx.actor, correlation_id=ctx.correlation_id,
                                      **data)
            try:
                recordings = self._store(ticket)
            except IntegrityError:
                # Someone saved first. Without If-Match the command is re-checked against the
                # newer state; with it, the caller's view is stale.
                if ctx.expected_version is not None:
                    raise VersionMismatch(ctx.expected_version, ticket.version - 1) from None
                if attempt == SAVE_ATTEMPTS - 1:
                    raise ConcurrentUpdate("ticket kept changing; retry the command") from None
                continue
            return Outcome(ticket, recordings[-1].notification.id)
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- queries ------------------------------------------------------------------------
    def ticket(self, ticket_id: UUID, version: int | None = None,
               unit_id: str | None = None) -> Ticket:
        """The ticket now, or as it stood at `version`; another unit's ticket is not found."""
        try:
            ticket = self.repository.get(ticket_id, version=version)
        except AggregateNotFoundError:
            raise TicketNotFound(str(ticket_id)) from None
        if not isinstance(ticket, Ticket):
            raise TicketNotFound(str(ticket_id))
        if version is not None and ticket.version != version:
            raise TicketNotFound(f"{ticket_id} has no version {version}")
        if unit_id is not None and ticket.unit_id != unit_id:
            raise TicketNotFound(str(ticket_id))
        return ticket

    def ticket_as_of(self, ticket_id: UUID, when: datetime, unit_id: str | None = None) -> Ticket:
        """The ticket as the system knew it at record time `when`."""
        history = self.history(ticket_id, unit_id=unit_id)
        versions = [e.originator_version for e in history if e.timestamp <= when]
        if not versions:
            raise TicketNotFound(f"{ticket_id} did not exist at {when.isoformat()}")
        return self.ticket(ticket_id, version=versions[-1])

    def history(self, ticket_id: UUID, unit_id: str | None = None) -> list[Any]:
        """Every stored event of the ticket, oldest first."""
        events = list(self.repository.event_store.get(ticket_id))
        if not events:
            raise TicketNotFound(str(ticket_id))
        lift = getattr(events[0], "lift", None) or {}
        if unit_id is not None and lift.get("unit_id") != unit_id:
            raise TicketNotFound(str(ticket_id))
        return events

    def ticket_id_for_source(self, source: str, source_ref: str) -> UUID:
        return ticket_id_for(source, source_ref)

    # ---- helpers ------------------------------------------------------------------------
    def _store(self, ticket: Ticket) -> list[Any]:
        if self.saver is None:
            return self.save(ticket)
        return self.saver.submit(ticket.collect_events())

    def close(self) -> None:
        if self.saver is not None:
            self.saver.stop()
        super().close()

    def _open(self, cmd: ReceiveAlarm, ctx: Context, ticket_no: str | None) -> Ticket:
        received_at = self._business_time(cmd.received_at, "received_at")
        caller = None
        if cmd.caller:
            caller = {"name": cmd.caller.get("name"), "phone": mask_mobile(cmd.caller.get("phone"))}
        return Ticket(
            source=cmd.source, source_ref=cmd.source_ref,
            ticket_no=ticket_no or self.numbers.next_number(self.clock()), lift_code=cmd.lift,
            lift=self.lifts.snapshot(cmd.lift), trapped_count=cmd.trapped_count, caller=caller,
            dispatch=cmd.dispatch, note=cmd.note, occurred_at=received_at,
            actor=ctx.actor, correlation_id=ctx.correlation_id,
        )

    def _business_time(self, value: datetime | None, field: str) -> datetime:
        now = self.clock()
        if value is None:
            return now
        require_aware(value, field)
        # Bounds before the UTC conversion: year 1 or 9999 would overflow it (comparing
        # aware datetimes does not convert, so cannot overflow).
        if value < EARLIEST_BUSINESS_TIME:
            raise InvalidValue(f"{field} {value.isoformat()} is before "
                               f"{EARLIEST_BUSINESS_TIME:%Y-%m-%d}: a typo?", field=field)
        if value > now + CLOCK_SKEW:
            raise InvalidValue(f"{field} {value.isoformat()} is in the future", field=field)
        return value.astimezone(UTC)

    def _prepare(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        if kind == "assign":
            responder = dict(data["responder"])
            responder["mobile"] = mask_mobile(responder.get("mobile"))
            data["responder"] = responder
        elif kind == "file_fault_report" and self.causes.describe(
            data["cause_root"], data["cause_sub"]
        ) is None:
            raise InvalidValue(
                f"cause {data['cause_root']}/{data['cause_sub']} is not in the fault cause table",
                field="cause",
            )
        elif kind == "correct_time":
            data["new"] = self._business_time(data["new"], "new")
        return data
