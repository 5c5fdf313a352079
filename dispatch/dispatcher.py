"""The dispatcher: fires due deadlines — notify, escalate, warn of overdue — each exactly once.

A notification whose SMS reached nobody (the gateway refused it, or its delivery receipts say
every addressee failed) escalates at once instead of waiting for the accept timeout.

Every action runs with the ticket version its deadline row was derived from (If-Match): if the
ticket moved on (someone accepted, or this action already happened before a crash), the
command is refused as stale and nothing fires twice.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

import structlog

from dispatch.commands import Context, TicketStep
from dispatch.errors import NotFound, VersionMismatch
from dispatch.policy import Recipient, StationContacts, Target, first_target, next_target
from dispatch.registry import RegistryApp
from dispatch.tickets import TicketApp
from domain.errors import DomainError

log = structlog.get_logger(__name__)
ACTOR = "system:dispatcher"


class Dispatcher:
    def __init__(self, *, tickets: TicketApp, registry: RegistryApp, deadlines: Any, sms: Any,
                 stations_covering: Callable[[str], list[str]], accept_timeout: float,
                 overtime_minutes: int):
        self.tickets, self.registry, self.deadlines, self.sms = tickets, registry, deadlines, sms
        self.stations_covering = stations_covering
        self.accept_timeout, self.overtime_minutes = accept_timeout, overtime_minutes

    def run_once(self) -> int:
        """Fire everything due now; returns how many actions were taken."""
        fired = 0
        with self.deadlines.to_notify() as rows:
            fired += sum(self._notify(row) for row in rows)
        with self.deadlines.unanswered(self.accept_timeout) as rows:
            fired += sum(self._escalate(row) for row in rows)
        with self.sms.receipts.unreached() as rows:
            fired += sum(self._escalate_unreached(row) for row in rows)
        with self.deadlines.overdue(self.overtime_minutes) as rows:
            fired += sum(self._warn_overdue(row) for row in rows)
        return fired

    def _ctx(self, row: dict[str, Any]) -> Context:
        return Context(ACTOR, f"dispatch-{row['ticket_id']}-{row['version']}",
                       expected_version=row["version"])

    def _act(self, row: dict[str, Any], kind: str, data: dict[str, Any]) -> bool:
        try:
            self.tickets.step(TicketStep(UUID(row["ticket_id"]), kind, None, data),
                              self._ctx(row))
        except (VersionMismatch, DomainError) as exc:
            log.info("deadline_stale", ticket_id=row["ticket_id"], action=kind, reason=str(exc))
            return False
        return True

    def _notify(self, row: dict[str, Any]) -> int:
        target = self.target(row)
        if target.recipients:
            text = (f"【电梯困人】{row['ticket_no']} {(row['lift'] or {}).get('address', '')} "
                    f"被困{row['trapped_count'] or '若干'}人，请立即响应（{target.level}级）")
            key = f"{row['ticket_id']}:notify:{row['version']}"
            if not self.sms.send(key, row["ticket_id"], target.recipients, text):
                # The gateway refused: record nothing as notified, escalate instead.
                return int(self._act(row, "escalate", {"reason": f"SMS to {target.name} failed"}))
        # `log` (a drill) is recorded as such, so nobody mistakes it for a delivered SMS.
        channel = self.sms.channel if target.recipients else "platform"
        return int(self._act(row, "notify", {"station": target.station_data(),
                                             "level": target.level, "channel": channel}))

    def _escalate(self, row: dict[str, Any]) -> int:
        reason = f"nobody accepted within {self.accept_timeout:g} s at level {row['level']}"
        return int(self._act(row, "escalate", {"reason": reason}))

    def _escalate_unreached(self, row: dict[str, Any]) -> int:
        reason = (f"SMS at level {row['level']} reached nobody: the gateway reports delivery "
                  "failed for every recipient")
        log.error("sms_unreached", ticket_id=row["ticket_id"], level=row["level"])
        return int(self._act(row, "escalate", {"reason": reason}))

    def _warn_overdue(self, row: dict[str, Any]) -> int:
        lead = self._unit_lead((row["lift"] or {}).get("unit_id"))
        recipients = (lead,) if lead else ()
        text = (f"【超时预警】{row['ticket_no']} 通知后{self.overtime_minutes}分钟救援人员仍未到场")
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
        workers = tuple(Recipient(w["name"], w["mobile"]) for w in station.workers.values())
        return StationContacts(str(station.id), station.name, station.unit_id,
                               tuple(station.coverage["districts"]),
                               Recipient(station.lead["name"], station.lead["mobile"]), workers)

    def _unit_lead(self, unit_id: str | None) -> Recipient | None:
        if not unit_id:
            return None
        try:
            lead = self.registry.unit(unit_id).emergency_lead
        except NotFound:
            return None
        return Recipient(lead["name"], lead["mobile"]) if lead else None
