"""Every refusal of the ticket's rules reads "中文 (English)"; instants stay data for the edge."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from dispatch.registry_guards import no_emergency_lead, nothing_to_change, outside_selection
from domain.errors import DomainError, NodeOutOfOrder
from domain.registry.contacts import contact, one_of, registration_code, rescue_code
from domain.registry.rescue_code import RescueCodeTaken
from domain.registry.station import check_coverage
from domain.values import business_time, require_aware
from tests.unit.test_ticket_rules import WHO, at, walked

CJK = re.compile(r"[\u4e00-\u9fff]")
NOW = datetime(2026, 11, 22, 1, tzinfo=UTC)

LIFT = SimpleNamespace(registration_code="44030000000000012345", unit_id="u1",
                       using_unit={"code": "91440300X"})


def thrown(error: DomainError | None):
    raise error


REFUSALS = {
    "finished": lambda: walked("close").arrive(at=at(40), **WHO),
    "already done": lambda: walked("arrive").arrive(at=at(13), **WHO),
    "not notified": lambda: walked("received").arrive(at=at(5), **WHO),
    "earlier than": lambda: walked("notify").arrive(at=at(0.5), **WHO),
    "later than": lambda: walked("arrive").correct_time(node="notified", new=at(15), reason="x",
                                                       at=at(16), **WHO),
    "no correction reason": lambda: walked("arrive").correct_time(node="notified", new=at(1.5),
                                                                  reason="", at=at(16), **WHO),
    "nothing to correct": lambda: walked("received").correct_time(
        node="arrived", new=at(1), reason="x", at=at(16), **WHO),
    "on site, notify": lambda: walked("arrive").notify(at=at(13), station={"id": "s"},
                                                      channel="sms", **WHO),
    "on site, assign": lambda: walked("arrive").assign(at=at(13), responder={"name": "v"}, **WHO),
    "bad level": lambda: walked("received").notify(at=at(1), station={"id": "s"}, channel="sms",
                                                   level=7, **WHO),
    "escalate accepted": lambda: walked("assign").escalate(at=at(3), reason="r", **WHO),
    "cancel released": lambda: walked("release").cancel(at=at(21), reason="false_alarm",
                                                        note=None, **WHO),
    "release before arrival": lambda: walked("assign").release(
        at=at(20), released_count=1, released_by="rescuer", **WHO),
    "negative count": lambda: walked("arrive").release(at=at(20), released_count=-1,
                                                       released_by="rescuer", **WHO),
    "other method": lambda: walked("arrive").release(at=at(20), released_count=1,
                                                     released_by="rescuer", rescue_method="9",
                                                     **WHO),
    "fault before release": lambda: walked("arrive").file_fault_report(
        at=at(21), cause_root="a", cause_sub="b", description="d", **WHO),
    "callback before release": lambda: walked("arrive").confirm_callback(
        at=at(25), confirmed_by="trapped_person", note=None, **WHO),
    "callback twice": lambda: walked("callback").confirm_callback(
        at=at(26), confirmed_by="trapped_person", note=None, **WHO),
    "callback by whom": lambda: walked("release").confirm_callback(
        at=at(26), confirmed_by="nobody", note=None, **WHO),
    "close unreleased": lambda: walked("arrive").close(at=at(30), **WHO),
    "close without callback": lambda: walked("release").close(at=at(30), **WHO),
    "naive time": lambda: require_aware(datetime(2026, 1, 1), "at"),
    "year one": lambda: business_time(datetime(1, 1, 2, tzinfo=UTC), "at", NOW),
    "future": lambda: business_time(NOW + timedelta(hours=1), "at", NOW),
    "rescue code taken": lambda: thrown(RescueCodeTaken("123456")),
    "no emergency lead": lambda: thrown(no_emergency_lead("Unit 1")),
    "nothing to change": lambda: thrown(nothing_to_change()),
    "another unit's lift": lambda: thrown(outside_selection(LIFT, "u2", "91440300X")),
    "mixed using units": lambda: thrown(outside_selection(LIFT, "u1", "91440300Y")),
    "no district": lambda: check_coverage({"districts": []}),
    "streets of two districts": lambda: check_coverage({"districts": ["a", "b"], "streets": "x"}),
    "contact without name": lambda: contact({"name": " ", "mobile": "13800138000"}, "lead"),
    "contact mobile": lambda: contact({"name": "刘", "mobile": "12345"}, "lead"),
    "registration code": lambda: registration_code("123"),
    "rescue code": lambda: rescue_code("12"),
    "one of": lambda: one_of("x", ["a", "b"], "site_type"),
}


@pytest.mark.parametrize("refuse", REFUSALS.values(), ids=REFUSALS.keys())
def test_every_refusal_reads_chinese_then_english(refuse):
    with pytest.raises(DomainError) as refused:
        refuse()
    text = refused.value.render(ZoneInfo("Asia/Shanghai"))
    assert CJK.search(text), text
    assert text.startswith(refused.value.zh.split("{")[0]) and text.endswith(")"), text
    assert refused.value.english.split("{")[0] in text and not CJK.search(refused.value.english)


def test_instants_are_data_shown_in_the_zone_asked_for():
    with pytest.raises(NodeOutOfOrder) as refused:
        walked("notify").arrive(at=at(0.5), **WHO)  # 00:15:30Z against notified 00:16Z
    error = refused.value
    assert set(error.times) == {"at", "when"}
    local = error.render(ZoneInfo("Asia/Shanghai"))
    assert "08:15:30+08:00" in local and "08:16:00+08:00" in local and "到场" in local
    assert "00:15:30+00:00" in error.message and "earlier than notified" in error.message


def test_an_instant_at_the_end_of_time_is_shown_as_sent():
    last = datetime.max.replace(tzinfo=ZoneInfo("America/New_York"))
    with pytest.raises(DomainError) as refused:
        business_time(last, "at", NOW)
    assert last.isoformat() in refused.value.render(ZoneInfo("Asia/Shanghai"))


def test_a_lift_of_the_unit_and_using_unit_joins_the_batch():
    assert outside_selection(LIFT, "u1", "91440300X") is None
