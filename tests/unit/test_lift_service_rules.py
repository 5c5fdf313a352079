"""Lift rules of issue 15 on the aggregate alone: service dates, location, address tick, and the
register's manager contact."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidTransition, InvalidValue
from domain.registry.lift import Lift
from domain.registry.safety_manager import SafetyManager

WHO = {"actor": "t", "correlation_id": "c"}
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
FACTS = {"unit_id": "u", "using_unit": {"code": "U", "name": "物业"}, "address": "一号",
         "district": "南山区"}


def lift(**facts) -> Lift:
    return Lift.register(code="4403" + "0" * 16, facts={**FACTS, **facts}, **WHO)


def test_out_and_back_dates_must_follow_each_other_and_not_be_ahead():
    x = lift()
    with pytest.raises(InvalidValue) as ahead:
        x.take_out_of_service(since=NOW + timedelta(minutes=10), now=NOW, **WHO)
    assert ahead.value.field == "since"
    with pytest.raises(InvalidValue) as typo:  # year 1: a typo, refused like any business time
        x.take_out_of_service(since=datetime(1, 1, 1, tzinfo=UTC), now=NOW, **WHO)
    assert typo.value.field == "since"
    with pytest.raises(InvalidValue):
        x.take_out_of_service(since=datetime(2026, 11, 1), now=NOW, **WHO)  # no zone
    x.take_out_of_service(since=NOW - timedelta(days=3), now=NOW, **WHO)
    assert (x.in_service, x.out_of_service_since) == (False, NOW - timedelta(days=3))
    with pytest.raises(InvalidTransition):
        x.take_out_of_service(since=NOW, now=NOW, **WHO)
    with pytest.raises(InvalidValue) as early:
        x.return_to_service(since=NOW - timedelta(days=4), now=NOW, **WHO)
    assert "不能早于" in str(early.value)
    x.return_to_service(since=NOW - timedelta(days=3), now=NOW, **WHO)  # the same day: fine
    assert x.in_service and x.out_of_service_since is None
    with pytest.raises(InvalidTransition):
        x.return_to_service(since=NOW, now=NOW, **WHO)
    assert [type(e).__name__ for e in x.collect_events()][-2:] == [
        "LiftTakenOutOfService", "LiftBackInService"]


@pytest.mark.parametrize("place,field", [({"lat": 90.5, "lng": 0}, "location.lat"),
                                         ({"lat": 0, "lng": -181}, "location.lng"),
                                         ({"lat": "nan", "lng": 0}, "location.lat"),
                                         ({"lat": 1}, "location.lng")])
def test_location_out_of_range_is_refused_naming_the_field(place, field):
    with pytest.raises(InvalidValue) as refused:
        lift(location=place)
    assert refused.value.field == field


def test_address_change_needs_the_tick_and_records_it():
    x = lift(location={"lat": 22.5, "lng": 113.9})
    assert x.location == {"lat": 22.5, "lng": 113.9}
    with pytest.raises(InvalidValue) as refused:
        x.revise(facts={**FACTS, "address": "二号"}, **WHO)
    assert refused.value.field == "address_confirmed"
    assert x.address == "一号"
    assert x.revise(facts={**FACTS, "address": "二号"}, address_confirmed=True, **WHO)
    revised = x.collect_events()[-1]
    assert revised.changes["address_confirmed"] is True and x.address == "二号"
    assert x.location is None  # a PUT replaces every fact: no location given, none kept


def test_register_manager_without_mobile_is_allowed_and_a_bad_one_is_not():
    gap = SafetyManager.enter(unit_id="u", contact={"name": " 钱 ", "mobile": ""}, **WHO)
    assert (gap.name, gap.has_mobile) == ("钱", False)
    with pytest.raises(InvalidValue) as bad:
        SafetyManager.enter(unit_id="u", contact={"name": "钱", "mobile": "123"}, **WHO)
    assert bad.value.field == "mobile"
    x = lift()
    x.assign_safety_manager(manager_id=str(gap.id), manager=gap.contact, **WHO)
    assert x.safety_manager_id == str(gap.id)
    x.amend(changes={"safety_manager": {"name": "孙", "mobile": "13700137000"}}, **WHO)
    assert x.safety_manager_id is None  # named by hand now: no longer the register's
