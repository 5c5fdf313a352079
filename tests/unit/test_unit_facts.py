"""A unit's 统一社会信用代码 (GB 32100-2015 check character) and duty phone, and its rescue
information as one event (v1 events, which named the lead only, upcast)."""

import pytest

from domain.errors import InvalidValue
from domain.registry.unit import MaintenanceUnit
from domain.registry.unit_facts import check_character, credit_code, duty_phone

WHO = {"actor": "t", "correlation_id": "c"}
LEAD = {"name": "陈经理", "mobile": "13800138000"}


@pytest.mark.parametrize("code", ["91350100M000100Y43", "914403001922038216",
                                  "91110000802100433B"])
def test_published_codes_pass_the_check(code):
    assert credit_code(code.lower()) == code and check_character(code[:17]) == code[17]


@pytest.mark.parametrize(("code", "why"), [
    ("91350100M000100Y44", "校验位"),  # one character off: the check character no longer fits
    ("91350100M000100Y4", "18 位"), ("91350100M000I00Y43", "18 位"),
    ("9135010OM000100Y43", "18 位"),
])
def test_wrong_codes_are_refused_with_the_reason(code, why):
    with pytest.raises(InvalidValue) as refused:
        credit_code(code)
    assert why in refused.value.message and refused.value.field == "code"


@pytest.mark.parametrize("phone", ["0755-88888888", "010 62345678", "075588888888-123",
                                   "13800138000", "400-800-9633"])
def test_duty_phone_landline_mobile_or_service_number(phone):
    assert duty_phone(phone) == phone


@pytest.mark.parametrize("phone", ["12345", "0755-1234", "23800138000", "88888888",
                                   "0755-８８８８８８８８"])
def test_duty_phone_refused(phone):
    with pytest.raises(InvalidValue, match="值班电话"):
        duty_phone(phone)


def test_rescue_info_keeps_what_is_not_given_and_needs_a_lead():
    unit = MaintenanceUnit.register(name="安达", emergency_lead=None, **WHO)
    with pytest.raises(InvalidValue, match="应急负责人"):
        unit.set_rescue_info(emergency_lead=None, code="91350100M000100Y43", **WHO)
    unit.set_rescue_info(emergency_lead=LEAD, code="91350100M000100Y43", **WHO)
    unit.set_rescue_info(emergency_lead=None, duty_phone="0755-88888888", **WHO)
    assert unit.rescue_info == {"emergency_lead": LEAD, "code": "91350100M000100Y43",
                                "address": None, "duty_phone": "0755-88888888"}
    last = unit.collect_events()[-1]
    assert (last.code, last.duty_phone) == ("91350100M000100Y43", "0755-88888888")


def test_a_v1_rescue_info_event_reads_with_no_facts():
    state = {"emergency_lead": LEAD}
    MaintenanceUnit.RescueInfoSet.upcast_v1_v2(state)
    assert state == {"emergency_lead": LEAD, "code": None, "address": None, "duty_phone": None}
