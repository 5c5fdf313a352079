"""The dispatcher: fires due deadlines — notify, escalate, warn of overdue — each exactly once.

A notification whose SMS reached nobody (the gateway refused it, or its delivery receipts say
every addressee failed) escalates at once instead of waiting for the accept timeout.

Every action runs with the ticket version its deadline row was derived from (If-Match): if the
ticket moved on (someone accepted, or this action already happened before a crash), the
command is refused as stale and nothing fires twice.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import structlog

from dispatch import messages
from dispatch.backlog import ActedRows
from dispatch.commands import Context, Escalate, NotifyStation, TicketCommand
from dispatch.errors import NotFound, VersionMismatch
from dispatch.personal_data import full_number
from dispatch.policy import (
    OPERATORS, Recipient, StationContacts, Target, first_target, next_target,
)
from dispatch.ports import DueDeadlines, NoPersonalData, PersonalData, Texts
from dispatch.registry import RegistryApp
from dispatch.tickets import TicketApp
from domain.arrival_limits import ArrivalLimits, arrival_limit
from domain.errors import DomainError

log = structlog.get_logger(__name__)
ACTOR = "system:dispatcher"


class Dispatcher:
    def __init__(self, *, tickets: TicketApp, registry: RegistryApp, deadlines: DueDeadlines,
                 sms: Texts,
                 stations_covering: Callable[[str], list[str]], accept_timeout: float,
                 overtime_minutes: int, personal_data: PersonalData | None = None,
                 arrival_limits: ArrivalLimits | None = None,
                 links: Callable[[str, str, str, str], str | None] | None = None,
                 workers: int = 4, batch: int = 20):
        self.tickets, self.registry, self.deadlines, self.sms = tickets, registry, deadlines, sms
        # (ticket, station, worker, SMS key) -> the worker's new rescuer link (issue 17), or
        # None when that message already carried one.
        self.links = links
        self.personal_data = personal_data or NoPersonalData()
        self.stations_covering = stations_covering
        self.accept_timeout = accept_timeout
        # The arrival limit per district (overtime_minutes alone: the same everywhere).
        self.arrival_limits = arrival_limits or ArrivalLimits.of(overtime_minutes)
        # Issue 18: rows acted on in parallel (their saves share group commits), and
        # remembered so a lagging deadlines view never makes the next round redo them.
        self.acted, self.batch = ActedRows(), batch
        self._workers = ThreadPoolExecutor(workers, thread_name_prefix="dispatch")

    def _each(self, act: Callable[[dict[str, Any]], int], rows: list[dict[str, Any]]) -> int:
        """Act on every row (in parallel); each done row is remembered by its version."""
        fired = 0
        for row, count in zip(rows, self._workers.map(act, rows)):
            self.acted.add(row)
            fired += count
        return fired

    def run_once(self) -> int:
        """Fire everything due now, oldest first; returns how many actions were taken."""
        fired = 0
        with self.deadlines.to_notify(self.acted.keys(), self.batch) as rows:
            fired += self._each(self._notify, rows)
        with self.deadlines.unanswered(self.accept_timeout, self.acted.keys(), self.batch) as rows:
            fired += self._each(self._escalate, rows)
        with self.sms.receipts.unreached() as rows:
            fired += sum(self._escalate_unreached(row) for row in rows)
        with self.deadlines.overdue(self.arrival_limits) as rows:
            fired += sum(self._warn_overdue(row) for row in rows)
        return fired

    def _ctx(self, row: dict[str, Any]) -> Context:
        return Context(ACTOR, f"dispatch-{row['ticket_id']}-{row['version']}",
                       expected_version=row["version"])

    def _act(self, row: dict[str, Any], command: TicketCommand) -> bool:
        try:
            self.tickets.handle(command, self._ctx(row))
        except (VersionMismatch, DomainError) as exc:
            log.info("deadline_stale", ticket_id=row["ticket_id"],
                     action=type(command).__name__, reason=str(exc))
            return False
        return True

    def _escalate_because(self, row: dict[str, Any], reason: str) -> int:
        return int(self._act(row, Escalate(ticket_id=UUID(row["ticket_id"]), reason=reason)))

    def _notify(self, row: dict[str, Any]) -> int:
        target = self.target(row)
        if target.kind != OPERATORS and not target.recipients:
            # A station or lead none of whose numbers can be read: never record it as notified.
            return self._escalate_unreached(row)
        if target.recipients:
            text = messages.entrapment_alert(row["ticket_no"], row["lift"], row["trapped_count"],
                                             target.level)
            key = f"{row['ticket_id']}:notify:{row['version']}"
            if not self.sms.send(key, row["ticket_id"], target.recipients, text):
                # The gateway refused: record nothing as notified, escalate instead.
                return self._escalate_because(row, messages.send_failed(target.name))
            self._text_links(row, target)
        # `log` (a drill) is recorded as such, so nobody mistakes it for a delivered SMS.
        channel = self.sms.channel if target.recipients else "platform"
        return int(self._act(row, NotifyStation(
            ticket_id=UUID(row["ticket_id"]), station=target.station_data(),
            level=target.level, channel=channel)))

    def _text_links(self, row: dict[str, Any], target: Target) -> None:
        """Each worker of the notified station gets their own link to act from the phone (the
        alert above stays one message: receipts and escalation read it)."""
        if self.links is None or target.kind != "station" or not target.station_id:
            return
        workers = self.registry.station(target.station_id).workers
        for worker_id, person in workers.items():
            if (recipient := self._recipient(person)) is None:
                continue
            key = f"{row['ticket_id']}:link:{row['version']}:{worker_id}"
            url = self.links(row["ticket_id"], target.station_id, worker_id, key)
            if url is not None:
                self.sms.send(key, row["ticket_id"], (recipient,),
                              messages.rescuer_link(row["ticket_no"], url))

    def _escalate(self, row: dict[str, Any]) -> int:
        return self._escalate_because(row, messages.nobody_accepted(self.accept_timeout,
                                                                    row["level"]))

    def _escalate_unreached(self, row: dict[str, Any]) -> int:
        log.error("sms_unreached", ticket_id=row["ticket_id"], level=row["level"])
        return self._escalate_because(row, messages.nobody_reached(row["level"]))

    def _warn_overdue(self, row: dict[str, Any]) -> int:
        lead = self._unit_lead((row["lift"] or {}).get("unit_id"))
        recipients = (lead,) if lead else ()
        minutes = arrival_limit(self.arrival_limits, (row["lift"] or {}).get("district"))
        text = messages.overdue_warning(row["ticket_no"], minutes)
        return int(self.sms.send(f"{row['ticket_id']}:overdue", row["ticket_id"], recipients,
                                 text))

    def target(self, row: dict[str, Any]) -> Target:
        lift, level = row["lift"], row["level"]
        if level <= 1:
            bound = self._contacts(lift.get("station_id")) if lift else None
            return first_target(lift, bound, self._unit_lead((lift or {}).get("unit_id")))
        candidates = [c for sid in self.stations_covering((lift or {}).get("district") or "")
                      if (c := self._contacts(sid)) is not None]
        return next_target(level - 1, lift, candidates)

    def _contacts(self, station_id: str | None) -> StationContacts | None:
        if not station_id:
            return None
        try:
            station = self.registry.station(station_id)
        except NotFound:
            return None
        workers = tuple(r for w in station.workers.values() if (r := self._recipient(w)))
        lead = self._recipient(station.lead) or (workers[0] if workers else None)
        if lead is None:  # nobody at the station can be texted: the next candidate is asked
            return None
        return StationContacts(str(station.id), station.name, station.unit_id,
                               tuple(station.coverage["districts"]), lead, workers)

    def unit_lead(self, unit_id: str | None) -> Recipient | None:
        """The unit's emergency lead as someone to text (None: none or unreadable, logged)."""
        return self._unit_lead(unit_id)

    def _unit_lead(self, unit_id: str | None) -> Recipient | None:
        if not unit_id:
            return None
        try:
            lead = self.registry.unit(unit_id).emergency_lead
        except NotFound:
            return None
        return self._recipient(lead)

    def _recipient(self, person: dict[str, Any] | None) -> Recipient | None:
        """Whom to text: the full mobile as the registry holds it (whole in records made
        before issue 14, by reference in the personal-data store after)."""
        if not person:
            return None
        number, problem = full_number(self.personal_data, person, "mobile")
        if number is None:
            # Loud: a contact nobody can text is a gap in the rescue chain, not a detail.
            log.error("contact_unreachable", name=person.get("name"), problem=problem,
                      mobile=person.get("mobile") and "masked")
            return None
        return Recipient(person["name"], number)
