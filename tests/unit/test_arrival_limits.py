"""The arrival limit per district: the default, the exceptions, the strict boundary."""

import pytest

from domain.arrival_limits import ArrivalLimits, arrival_limit
from domain.errors import InvalidValue


def test_a_district_with_its_own_limit_and_the_default_elsewhere():
    limits = ArrivalLimits(30, {"大鹏新区": 60})
    assert arrival_limit(limits, "大鹏新区") == 60
    assert [arrival_limit(limits, d) for d in ("南山区", None, "")] == [30, 30, 30]


def test_overtime_is_strictly_past_the_limit():
    limits = ArrivalLimits(30, {"大鹏新区": 60})
    assert not limits.is_overtime("南山区", 30) and limits.is_overtime("南山区", 30.01)
    assert not limits.is_overtime("大鹏新区", 45) and limits.is_overtime("南山区", 45)


def test_a_plain_number_is_the_same_limit_everywhere():
    assert ArrivalLimits.of(45).minutes("大鹏新区") == 45
    same = ArrivalLimits(30)
    assert ArrivalLimits.of(same) is same


@pytest.mark.parametrize("default, exceptions", [(0, {}), (30, {"大鹏新区": 0}),
                                                 (30, {"大鹏新区": 1.5})])
def test_a_limit_below_one_minute_is_refused(default, exceptions):
    with pytest.raises(InvalidValue, match="到场时限"):
        ArrivalLimits(default, exceptions)


def test_the_exceptions_cannot_change_afterwards():
    source = {"大鹏新区": 60}
    limits = ArrivalLimits(30, source)
    source["南山区"] = 90
    assert limits.minutes("南山区") == 30
    with pytest.raises(TypeError):
        limits.by_district["南山区"] = 90  # type: ignore[index]
