"""Thirty days of closed demo tickets: on time, late, never arrived, corrected, cancelled and
linked, so the overtime, statistics and dynamics pages show something true (no randomness)."""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from adapters.bootstrap import Services
from dispatch.commands import (
    ArriveOnSite,
    AssignResponder,
    CancelTicket,
    CloseTicket,
    ConfirmCallback,
    Context,
    CorrectTime,
    FileFaultReport,
    NotifyStation,
    ReceiveAlarm,
    ReleasePassengers,
)

CTX = Context("system:demo", "demo-seed")
# The live demo tickets' steps by name → the ticket command each one is.
COMMANDS = {"notify": NotifyStation, "assign": AssignResponder, "arrive": ArriveOnSite,
            "release": ReleasePassengers, "cancel": CancelTicket,
            "file_fault_report": FileFaultReport, "callback": ConfirmCallback,
            "close": CloseTicket}
TICKETS = 60
# Each kind: (minutes to arrive after notification or None, released by, what else happens).
KINDS = ["on_time", "on_time", "on_time", "on_time", "late", "never_arrived", "corrected",
         "cancelled", "linked", "on_time"]
RESPONDERS = [("王师傅", "13912345678"), ("张师傅", "13512345670"), ("周师傅", "13312345671")]
CAUSES = [("3", "302", "层门门锁触点氧化"), ("2", "201", "停电困人"), ("6", "601", "安全回路断开")]


def _kind(i: int) -> str:
    return KINDS[i % len(KINDS)]


def plan(lifts: list[dict[str, str]], now: datetime) -> list[dict[str, Any]]:
    """The history's tickets: which lift, when received, what kind (deterministic)."""
    tickets = []
    for i in range(TICKETS):
        days, hour = 2 + i * 28 // TICKETS, (7 + i * 5) % 24  # days 2..29, every hour
        received = (now - timedelta(days=days)).replace(hour=hour, minute=(i * 13) % 60,
                                                       second=0, microsecond=0)
        tickets.append({"ref": f"DEMO-H{i + 1:02d}", "lift": lifts[(i * 37) % len(lifts)],
                        "received": received, "kind": _kind(i), "i": i})
    return tickets


def _steps(t: dict[str, Any]) -> list[Any]:
    """The commands after receipt, with business times from the receipt."""
    at = lambda minutes: t["received"] + timedelta(minutes=minutes)
    i, kind, lift = t["i"], t["kind"], t["lift"]
    name, mobile = RESPONDERS[i % len(RESPONDERS)]
    if kind == "cancelled":
        return [(CancelTicket, at(6), {"reason": "false_alarm", "note": "业主误按"})]
    steps: list[Any] = [
        (NotifyStation, at(1), {"station": {"id": lift["station"]}, "channel": "platform"}),
        (AssignResponder, at(3), {"responder": {"name": name, "mobile": mobile}})]
    travel = {"late": 44 + i % 10, "never_arrived": None}.get(kind, 12 + i % 15)
    if travel is not None:
        steps.append((ArriveOnSite, at(1 + travel), {}))
    release = 1 + (travel or 40) + 8
    by = "property" if travel is None else "rescuer"  # nobody came: the property freed them
    steps.append((ReleasePassengers, at(release), {"released_count": 1 + i % 3,
                                                   "released_by": by,
                                                   "rescue_method": "1" if i % 4 else "2"}))
    if kind == "corrected":  # the rescuer's arrival was keyed in late: the real time recorded
        steps.append((CorrectTime, at(release + 20), {
            "node": "arrived", "new": at(travel - 2), "reason": "现场补录到场时间 (re-keyed)"}))
    root, sub, words = CAUSES[i % len(CAUSES)]
    steps += [(FileFaultReport, at(release + 45), {"cause_root": root, "cause_sub": sub,
                                                   "description": words}),
              (ConfirmCallback, at(release + 40), {"confirmed_by": "using_unit"})]
    if i % 7 == 3:  # nobody answered the callback: closed with the reason instead
        steps[-1] = (CloseTicket, at(release + 46), {
            "without_callback_reason": "回访电话无人接听 (nobody answered the callback)"})
    else:
        steps.append((CloseTicket, at(release + 46), {}))
    return steps


def seed_history(services: Services, lifts: list[dict[str, str]],
                 now: datetime) -> Counter:
    """Record the history through TicketApp commands; returns how many of each kind."""
    app, kinds = services.tickets, Counter()
    for t in plan(lifts, now):
        outcome = app.receive_alarm(ReceiveAlarm(
            lift=t["lift"]["code"], source="96333", source_ref=t["ref"], received_at=t["received"],
            trapped_count=1 + t["i"] % 3, caller={"name": "住户", "phone": "13812345678"},
            dispatch="external"), CTX)
        if t["kind"] == "linked":  # the lift's own sensor reports the same entrapment
            app.receive_alarm(ReceiveAlarm(
                lift=t["lift"]["code"], source="iot", source_ref=f"{t['ref']}-IOT",
                received_at=t["received"] + timedelta(minutes=2), dispatch="external"), CTX)
        for command, at, data in _steps(t):
            app.handle(command(ticket_id=outcome.ticket.id, at=at, **data), CTX)
        kinds[t["kind"]] += 1
        kinds[f"station:{t['lift']['station_name']}"] += 1
    return kinds
