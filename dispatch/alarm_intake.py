"""Receiving alarms: open a ticket, or link the alarm to the lift's open ticket.

An alarm from another source than the one that opened the lift's open ticket, within the link
window, joins that ticket (`AlarmLinked`) instead of opening a twin. The lift's `LiftAlarms` record is written
first and collides on its version when two alarms race, so the loser decides again and links."""

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from dispatch.commands import Context, LinkAlarm, ReceiveAlarm
from dispatch.errors import ConcurrentUpdate, TicketNotFound
from dispatch.personal_data import sealed_fields
from dispatch.ports import PersonalData
from domain.errors import DomainError
from domain.lift_alarms import AlarmAlias, LiftAlarms, lift_alarms_id
from domain.ticket import Ticket
from domain.values import ticket_id_for

DEFAULT_LINK_WINDOW = timedelta(minutes=60)
# Each new ticket appends to its lift's record: a burst of alarms for one lift takes turns.
DECIDE_ATTEMPTS = 40
# A ticket named by its lift's record but not stored yet is being saved by another alarm.
IN_FLIGHT_WAIT, IN_FLIGHT_POLL = 2.0, 0.02


@dataclass(frozen=True)
class Outcome:
    ticket: Ticket
    notification_id: int | None
    created: bool = True
    linked: bool = False


class LiftAlarmsApp(Application[UUID]):
    """The lifts' alarm records (their own table: the ticket log holds tickets only)."""

    name = "lift_alarms"

    def record(self, lift_key: str) -> LiftAlarms | None:
        try:
            return self.repository.get(lift_alarms_id(lift_key))
        except AggregateNotFoundError:
            return None

    def alias(self, source: str, source_ref: str) -> AlarmAlias | None:
        """The ticket a linked alarm joined (None: the alarm was never linked)."""
        try:
            return self.repository.get(ticket_id_for(source, source_ref))
        except AggregateNotFoundError:
            return None


def lift_key(code: str, snapshot: dict[str, Any] | None) -> str:
    """A known lift by its registration code (alarms may give its rescue code); else the code."""
    return (snapshot or {}).get("registration_code") or code


class AlarmIntake:
    """Mixed into TicketApp (uses its store, clock, numbers, lift directory and link_alarm)."""

    link_window: timedelta
    lift_alarms: LiftAlarmsApp
    personal_data: PersonalData

    def receive_alarm(self, cmd: ReceiveAlarm, ctx: Context) -> Outcome:
        """Open a ticket, or link to the lift's open one; the same (source, source_ref)
        always answers with the ticket it first reached."""
        received_at = self._time(cmd.received_at, "received_at")
        snapshot = self.lifts.snapshot(cmd.lift)
        ctx = Context(ctx.actor, ctx.correlation_id)  # alarms carry no If-Match or scope
        for _ in range(DECIDE_ATTEMPTS):
            try:
                outcome = self._receive(cmd, ctx, received_at, snapshot)
            except IntegrityError:  # another alarm for the lift wrote its record first
                time.sleep(random.uniform(0, IN_FLIGHT_POLL))
                continue
            if outcome is not None:
                return outcome
        raise ConcurrentUpdate("该电梯的报警一直在变化，请重试 (the lift's alarms kept "
                               "changing; retry the alarm)")

    def _receive(self, cmd: ReceiveAlarm, ctx: Context, received_at: datetime,
                 snapshot: dict[str, Any] | None) -> Outcome | None:
        ticket_id = ticket_id_for(cmd.source, cmd.source_ref)
        key = lift_key(cmd.lift, snapshot)
        who = {"actor": ctx.actor, "correlation_id": ctx.correlation_id}
        record = self.lift_alarms.record(key)
        if record is None:
            record = LiftAlarms(lift_key=key, occurred_at=received_at, **who)
        elif record.ticket_id == str(ticket_id):
            # The alarm that opened the lift's latest ticket, again (a retry): answer with the
            # stored ticket; an insert would only be rolled back (issue 18: wasted ids).
            known = self._known(ticket_id, record, cmd)
            if known is not None:
                return known
        elif record.ticket_id != str(ticket_id):
            known = self._known(ticket_id, record, cmd)
            if known is not None:
                return known
            latest = record.latest_within(received_at, self.link_window)
            target = self._open_ticket(UUID(latest)) if latest else None
            if target is not None and record.source != cmd.source:
                return self._link(record, target, cmd, ctx, received_at)
            if target is not None:
                # Same source, latest ticket still open: it stays the one others join, so
                # a burst from one source for one lift does not queue on the lift's record.
                return self._open(ticket_id, cmd, ctx, received_at, snapshot)
        record.open_ticket(ticket_id=str(ticket_id), source=cmd.source, at=received_at, **who)
        if record.pending_events:
            self.lift_alarms.save(record)
        return self._open(ticket_id, cmd, ctx, received_at, snapshot)

    def _open(self, ticket_id: UUID, cmd: ReceiveAlarm, ctx: Context, received_at: datetime,
              snapshot: dict[str, Any] | None) -> Outcome:
        ticket = self._new_ticket(cmd, ctx, None, received_at, snapshot)
        try:
            recordings = self._store(ticket)
        except IntegrityError:
            # Same (source, source_ref) already stored: a retry. Insert-first saves a lookup on
            # every new alarm; the cost is a skipped ticket number on each retry.
            return Outcome(self.ticket(ticket_id), None, created=False)
        return Outcome(ticket, recordings[-1].notification.id)

    def _known(self, ticket_id: UUID, record: LiftAlarms, cmd: ReceiveAlarm) -> Outcome | None:
        """The ticket this alarm opened or joined before (a retry), if any."""
        try:
            return Outcome(self.ticket(ticket_id), None, created=False)
        except TicketNotFound:
            pass
        linked = record.linked_ticket(cmd.source, cmd.source_ref)
        if linked is None:
            return None
        try:
            ticket = self.ticket(UUID(linked))
        except TicketNotFound:
            return None
        joined = any((a["source"], a["source_ref"]) == (cmd.source, cmd.source_ref)
                     for a in ticket.linked_alarms)
        return Outcome(ticket, None, created=False, linked=True) if joined else None

    def _open_ticket(self, ticket_id: UUID) -> Ticket | None:
        """The lift's latest ticket if still open; waits briefly for one being saved."""
        deadline = time.monotonic() + IN_FLIGHT_WAIT
        while True:
            try:
                ticket = self.ticket(ticket_id)
            except TicketNotFound:
                if time.monotonic() >= deadline:
                    return None  # named but never stored: its alarm failed; open anew
                time.sleep(IN_FLIGHT_POLL)
                continue
            return None if ticket.is_finished else ticket

    def _link(self, record: LiftAlarms, target: Ticket, cmd: ReceiveAlarm, ctx: Context,
              at: datetime) -> Outcome | None:
        who = {"actor": ctx.actor, "correlation_id": ctx.correlation_id}
        record.link(source=cmd.source, source_ref=cmd.source_ref, ticket_id=str(target.id),
                    at=at, **who)
        alias = [] if self.lift_alarms.alias(cmd.source, cmd.source_ref) else [AlarmAlias(
            source=cmd.source, source_ref=cmd.source_ref, ticket_id=str(target.id),
            occurred_at=at, **who)]
        self.lift_alarms.save(record, *alias)
        try:
            outcome = self.link_alarm(LinkAlarm(ticket_id=target.id, at=at, source=cmd.source,
                                                source_ref=cmd.source_ref), ctx)
        except DomainError:
            return None  # closed or cancelled meanwhile: decide again (opens a new ticket)
        return Outcome(outcome.ticket, outcome.notification_id, created=False, linked=True)

    def receive_alarms(self, requests: Sequence[tuple[ReceiveAlarm, Context]]) -> list[Outcome]:
        """Many alarms saved in one transaction (Kafka intake); same rules as receive_alarm.
        When any alarm may link, or repeats another, the alarms are taken one by one."""
        if not requests:
            return []
        alarms = [(cmd, ctx, self._time(cmd.received_at, "received_at"),
                   self.lifts.snapshot(cmd.lift)) for cmd, ctx in requests]
        records: dict[str, LiftAlarms | None] = {}
        sources: dict[str, set[str]] = {}
        for cmd, _, _, snapshot in alarms:
            key = lift_key(cmd.lift, snapshot)
            if key not in records:
                records[key] = self.lift_alarms.record(key)
            sources.setdefault(key, set()).add(cmd.source)
        ids = [ticket_id_for(cmd.source, cmd.source_ref) for cmd, *_ in alarms]
        if len(set(ids)) < len(ids) or any(len(s) > 1 for s in sources.values()) or any(
                (r := records[lift_key(cmd.lift, snap)]) is not None
                and r.link_target(cmd.source, at, self.link_window) is not None
                for cmd, _, at, snap in alarms):
            return [self.receive_alarm(cmd, ctx) for cmd, ctx in requests]
        next_numbers = getattr(self.numbers, "next_numbers", None)
        numbers = (next_numbers(self.clock(), len(alarms)) if next_numbers
                   else [None] * len(alarms))
        tickets = []
        for (cmd, ctx, at, snapshot), no, ticket_id in zip(alarms, numbers, ids):
            who = {"actor": ctx.actor, "correlation_id": ctx.correlation_id}
            key = lift_key(cmd.lift, snapshot)
            record = records[key] or LiftAlarms(lift_key=key, occurred_at=at, **who)
            records[key] = record
            record.open_ticket(ticket_id=str(ticket_id), source=cmd.source, at=at, **who)
            tickets.append(self._new_ticket(cmd, ctx, no, at, snapshot))
        try:
            self.lift_alarms.save(*[r for r in records.values() if r is not None])
            recordings = self.save(*tickets)
        except IntegrityError:
            return [self.receive_alarm(cmd, ctx) for cmd, ctx in requests]
        return [Outcome(t, r.notification.id) for t, r in zip(tickets, recordings)]

    def _new_ticket(self, cmd: ReceiveAlarm, ctx: Context, ticket_no: str | None,
                    received_at: datetime, snapshot: dict[str, Any] | None) -> Ticket:
        caller = None
        if cmd.caller:  # full phone and name go to the personal-data store, the event keeps refs
            caller = sealed_fields(
                self.personal_data,
                {"name": cmd.caller.get("name"), "phone": cmd.caller.get("phone")},
                {"phone": "caller_phone", "name": "caller_name"})
        return Ticket(
            source=cmd.source, source_ref=cmd.source_ref,
            ticket_no=ticket_no or self.numbers.next_number(self.clock()), lift_code=cmd.lift,
            lift=snapshot, trapped_count=cmd.trapped_count, caller=caller,
            dispatch=cmd.dispatch, note=cmd.note, occurred_at=received_at,
            actor=ctx.actor, correlation_id=ctx.correlation_id)
