"""A city's registry and finished tickets, driven through the applications (upstream tests)."""

from datetime import datetime, timedelta

from adapters import reference
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

CTX = Context(actor="operator:1", correlation_id="upstream-test")
LEAD = {"name": "陈经理", "mobile": "13800138000"}
CAUSES = [key.split("/") for key, _ in reference.FaultCauseTable().choices()[:3]]


def lift_code(city: int, n: int) -> str:
    return f"{city:04d}{n:016d}"


def city_registry(services, city: int, lifts: int) -> tuple[str, list[str]]:
    """A unit, its station and `lifts` lifts bound to it: (station id, registration codes)."""
    registry = services.registry
    unit, _ = registry.register_unit(f"维保{city}", LEAD, CTX)
    station, _ = registry.register_station({
        "unit_id": str(unit.id), "name": f"救援站{city}", "district": "南山区", "lead": LEAD,
        "coverage": {"districts": ["南山区"]}}, CTX)
    codes = [lift_code(city, n) for n in range(lifts)]
    for code in codes:
        registry.put_lift(code, {"unit_id": str(unit.id), "address": f"{code} 号",
                                 "using_unit": {"code": "U1", "name": "物业"},
                                 "district": "南山区"}, CTX, station_id=str(station.id))
    return str(station.id), codes


def rescue(services, code: str, ref: str, t0: datetime, arrive_after: int, n: int,
           correct: bool = False) -> None:
    """One ticket through every node to close (a fault report, a later correction if asked)."""
    app = services.tickets
    ticket_id = app.receive_alarm(ReceiveAlarm(lift=code, source="96333", source_ref=ref,
                                               received_at=t0, trapped_count=1), CTX).ticket.id
    root, sub = CAUSES[n % len(CAUSES)]

    def at(minutes: float) -> datetime:
        return t0 + timedelta(minutes=minutes)

    for command in (NotifyStation(ticket_id=ticket_id, at=at(1), station=None, channel="sms"),
                    AssignResponder(ticket_id=ticket_id, at=at(2),
                                    responder={"name": "王师傅", "mobile": "13912345678"}),
                    ArriveOnSite(ticket_id=ticket_id, at=at(1 + arrive_after)),
                    ReleasePassengers(ticket_id=ticket_id, at=at(arrive_after + 5),
                                      released_count=1, released_by="rescuer"),
                    FileFaultReport(ticket_id=ticket_id, at=at(arrive_after + 6),
                                    cause_root=root, cause_sub=sub, description="说明"),
                    ConfirmCallback(ticket_id=ticket_id, at=at(arrive_after + 7),
                                    confirmed_by="trapped_person"),
                    CloseTicket(ticket_id=ticket_id, at=at(arrive_after + 8))):
        app.handle(command, CTX)
    if correct:  # after the close: a second record version
        app.handle(CorrectTime(ticket_id=ticket_id, at=at(arrive_after + 9), node="arrived",
                               new=at(arrive_after - 1), reason="GPS"), CTX)


def false_alarm(services, code: str, ref: str, t0: datetime) -> None:
    app = services.tickets
    ticket_id = app.receive_alarm(ReceiveAlarm(lift=code, source="app", source_ref=ref,
                                               received_at=t0), CTX).ticket.id
    app.handle(NotifyStation(ticket_id=ticket_id, at=t0 + timedelta(minutes=1), station=None,
                             channel="sms"), CTX)
    app.handle(CancelTicket(ticket_id=ticket_id, at=t0 + timedelta(minutes=2),
                            reason="false_alarm"), CTX)
