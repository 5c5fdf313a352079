"""Closing the loop (city standard): rescue method on release, callback confirmation once after
release, and a close that needs the callback or a reason."""

import pytest

from domain.errors import InvalidTransition, InvalidValue
from tests.unit.test_ticket_rules import WHO, at, walked


def released(**method):
    ticket = walked("arrive")
    ticket.release(at=at(20), released_count=1, released_by="rescuer", **method, **WHO)
    return ticket


def test_release_records_the_rescue_method_and_its_note():
    ticket = released(rescue_method="2")
    event = ticket.collect_events()[-1]
    assert (event.rescue_method, event.rescue_note) == ("2", None)
    assert ticket.rescue_method == {"code": "2", "note": None}
    other = released(rescue_method="9", rescue_note="  用撬杠开门  ")
    assert other.rescue_method == {"code": "9", "note": "用撬杠开门"}


@pytest.mark.parametrize("note", [None, "", "   "])
def test_other_method_needs_a_note(note):
    with pytest.raises(InvalidValue, match="其他方法") as refused:
        released(rescue_method="9", rescue_note=note)
    assert refused.value.field == "rescue_note"


def test_release_without_a_method_still_works_for_old_clients():
    assert released().rescue_method is None


def test_callback_only_after_release():
    ticket = walked("arrive")
    with pytest.raises(InvalidTransition, match="解救完成之后"):
        ticket.confirm_callback(at=at(15), confirmed_by="trapped_person", note=None, **WHO)


def test_callback_only_once_and_recorded_with_time_and_note():
    ticket = released(rescue_method="1")
    ticket.confirm_callback(at=at(25), confirmed_by="using_unit", note=" 物业确认 ", **WHO)
    assert ticket.callback == {"confirmed_by": "using_unit", "note": "物业确认", "at": at(25)}
    with pytest.raises(InvalidTransition, match="already confirmed"):
        ticket.confirm_callback(at=at(26), confirmed_by="trapped_person", note=None, **WHO)


def test_callback_names_who_confirmed():
    with pytest.raises(InvalidValue) as refused:
        released().confirm_callback(at=at(25), confirmed_by="neighbour", note=None, **WHO)
    assert refused.value.field == "confirmed_by"


def test_callback_cannot_precede_the_release():
    with pytest.raises(Exception, match="earlier than released"):
        released().confirm_callback(at=at(19), confirmed_by="using_unit", note=None, **WHO)


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_close_needs_a_callback_or_a_reason(reason):
    ticket = released()
    with pytest.raises(InvalidTransition, match="回访确认") as refused:
        ticket.close(at=at(30), without_callback_reason=reason, **WHO)
    assert "without_callback_reason" in refused.value.message
    assert ticket.status == "released"


def test_close_with_a_reason_records_it():
    ticket = released()
    ticket.close(at=at(30), without_callback_reason="电话无人接听", **WHO)
    assert ticket.status == "closed"
    assert ticket.collect_events()[-1].without_callback_reason == "电话无人接听"


def test_close_after_a_callback_needs_no_reason():
    ticket = released()
    ticket.confirm_callback(at=at(25), confirmed_by="trapped_person", note=None, **WHO)
    ticket.close(at=at(30), **WHO)
    assert ticket.status == "closed"
    assert ticket.collect_events()[-1].without_callback_reason is None


def test_no_callback_after_close():
    ticket = released()
    ticket.close(at=at(30), without_callback_reason="无人接听", **WHO)
    with pytest.raises(Exception, match="closed"):
        ticket.confirm_callback(at=at(31), confirmed_by="using_unit", note=None, **WHO)


def test_console_forms_become_the_close_the_loop_commands():
    from uuid import uuid4

    from pydantic import ValidationError

    from adapters.http.console.close_loop import close_loop_command

    tid = uuid4()
    release = close_loop_command("release", tid, {"released_count": "2", "released_by": "fire",
                                                  "rescue_method": "3", "rescue_note": " "})
    assert (release.released_count, release.rescue_method, release.rescue_note) == (2, "3", None)
    callback = close_loop_command("callback", tid, {"confirmed_by": "using_unit", "note": ""})
    assert (callback.confirmed_by, callback.note) == ("using_unit", None)
    close = close_loop_command("close", tid, {"without_callback_reason": " 无人接听 "})
    assert close.without_callback_reason == "无人接听"
    with pytest.raises(ValidationError, match="rescue_method"):
        close_loop_command("release", tid, {"released_count": "1", "rescue_method": "8"})


def test_console_offers_the_callback_once_and_asks_a_reason_only_without_it():
    from adapters.http.console.actions import available

    ticket = released()
    names = {a.name: [f.name for f in a.fields] for a in available(ticket, "operator")}
    assert "callback" in names and names["close"] == ["without_callback_reason"]
    ticket.confirm_callback(at=at(25), confirmed_by="trapped_person", note=None, **WHO)
    names = {a.name: [f.name for f in a.fields] for a in available(ticket, "operator")}
    assert "callback" not in names and names["close"] == []
    assert "callback" not in {a.name for a in available(ticket, "unit")}
