"""The dispatcher on in-memory stores, deadlines and SMS: whom it texts, with which words,
and what it records (no PostgreSQL)."""

from datetime import timedelta
from typing import Any

from dispatch.commands import Context, ReceiveAlarm
from dispatch.dispatcher import Dispatcher
from dispatch.lift_directory import RegistryLiftDirectory
from dispatch.registry import Catalogue, RegistryApp
from tests.unit.fakes import NOW, POPO, Deadlines, Texts, ticket_app

CTX = Context("admin:test", "c")
LIFT = "44030000000000012345"
LEAD = {"name": "陈经理", "mobile": "13800138000"}


def registry() -> RegistryApp:
    app = RegistryApp(POPO, catalogue=Catalogue(["南山区"], ["住宅小区"]))
    unit, _ = app.register_unit("安达电梯", LEAD, CTX)
    station, _ = app.register_station(
        {"unit_id": str(unit.id), "name": "南山站", "district": "南山区",
         "lead": {"name": "王站长", "mobile": "13912345670"},
         "coverage": {"districts": ["南山区"]}}, CTX,
        workers=[{"name": "王师傅", "mobile": "13912345678"}])
    app.put_lift(LIFT, {"unit_id": str(unit.id), "using_unit": {"code": "U1", "name": "物业"},
                        "address": "科技园1栋", "district": "南山区"}, CTX,
                 station_id=str(station.id))
    return app


def alarmed(texts: Texts) -> tuple[Dispatcher, Any, Deadlines, Any]:
    """The dispatcher on in-memory stores texting through `texts`, and one open ticket."""
    reg, deadlines = registry(), Deadlines()
    tickets = ticket_app(lifts=RegistryLiftDirectory(reg, lambda code: None))
    dispatcher = Dispatcher(tickets=tickets, registry=reg, deadlines=deadlines, sms=texts,
                            stations_covering=lambda district: [], accept_timeout=90,
                            overtime_minutes=30)
    ticket = tickets.receive_alarm(ReceiveAlarm(lift=LIFT, source="96333", source_ref="D-1",
                                                received_at=NOW - timedelta(minutes=1),
                                                trapped_count=2), CTX).ticket
    return dispatcher, tickets, deadlines, ticket


def row(ticket: Any, level: int = 1) -> dict[str, Any]:
    """The deadline row the view would hold for the ticket now."""
    return {"ticket_id": str(ticket.id), "ticket_no": ticket.ticket_no, "lift": ticket.lift,
            "trapped_count": ticket.trapped_count, "level": level, "version": ticket.version}


def test_notify_texts_the_bound_station_and_records_the_notification():
    texts = Texts()
    dispatcher, tickets, deadlines, ticket = alarmed(texts)
    deadlines.notify.append(row(ticket))
    assert dispatcher.run_once() == 1
    (sms,) = texts.sent
    assert sms["text"] == f"【电梯困人】{ticket.ticket_no} 科技园1栋 被困2人，请立即响应（1级）"
    assert sorted(sms["to"]) == ["13800138000", "13912345670", "13912345678"]
    now = tickets.ticket(ticket.id)
    assert now.status == "notified" and now.station["name"] == "南山站"
    event = tickets.history(ticket.id)[-1]
    assert (event.channel, event.side, event.actor) == ("sms", "maintenance",
                                                        "system:dispatcher")


def test_a_refused_sms_escalates_instead_and_a_stale_row_fires_nothing():
    texts = Texts(refuse=True)
    dispatcher, tickets, deadlines, ticket = alarmed(texts)
    stale = row(ticket)
    deadlines.notify.append(row(ticket))
    assert dispatcher.run_once() == 1
    assert [type(e).__name__ for e in tickets.history(ticket.id)][-1] == "Escalated"
    assert tickets.history(ticket.id)[-1].reason == "SMS to 南山站 failed"
    deadlines.notify.append(stale)  # the same version again: If-Match refuses it
    assert dispatcher.run_once() == 0
    assert len(tickets.history(ticket.id)) == 2


def test_overdue_warns_the_unit_lead_once_per_key():
    texts = Texts()
    dispatcher, _, deadlines, ticket = alarmed(texts)
    deadlines.overdue_rows.append(row(ticket))
    assert dispatcher.run_once() == 1
    assert texts.sent == [{"key": f"{ticket.id}:overdue", "to": ["13800138000"],
                           "text": f"【超时预警】{ticket.ticket_no} 通知后30分钟救援人员仍未到场"}]
