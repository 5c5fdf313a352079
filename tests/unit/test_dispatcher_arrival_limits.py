"""The overdue warning names the arrival limit of the lift's district (in-memory stores)."""

from datetime import timedelta

from dispatch.commands import Context, ReceiveAlarm
from dispatch.dispatcher import Dispatcher
from dispatch.lift_directory import RegistryLiftDirectory
from domain.arrival_limits import ArrivalLimits
from tests.unit.fakes import NOW, Deadlines, Texts, ticket_app
from tests.unit.test_dispatcher import LIFT, registry, row

CTX = Context("admin:test", "c")


def warning_for(district: str, limits: ArrivalLimits) -> str:
    texts, deadlines, reg = Texts(), Deadlines(), registry()
    tickets = ticket_app(lifts=RegistryLiftDirectory(reg, lambda code: None))
    dispatcher = Dispatcher(tickets=tickets, registry=reg, deadlines=deadlines, sms=texts,
                            stations_covering=lambda d: [], accept_timeout=90,
                            overtime_minutes=30, arrival_limits=limits)
    ticket = tickets.receive_alarm(ReceiveAlarm(lift=LIFT, source="96333", source_ref="D-1",
                                                received_at=NOW - timedelta(minutes=1),
                                                trapped_count=1), CTX).ticket
    due = row(ticket)
    due["lift"] = {**due["lift"], "district": district}
    deadlines.overdue_rows.append(due)
    assert dispatcher.run_once() == 1
    (sms,) = texts.sent
    return sms["text"]


def test_the_warning_names_the_districts_limit():
    limits = ArrivalLimits(30, {"大鹏新区": 60})
    assert "通知后60分钟" in warning_for("大鹏新区", limits)
    assert "通知后30分钟" in warning_for("南山区", limits)


def test_without_district_limits_the_default_applies_everywhere():
    assert "通知后45分钟" in warning_for("大鹏新区", ArrivalLimits(45))
