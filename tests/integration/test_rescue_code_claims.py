"""Two lifts claiming one rescue code at the same moment: the later save collides on the
claim's version, is retried on fresh state and refused; nothing of it is stored."""

import pytest

from dispatch.commands import Context
from dispatch.errors import NotFound
from domain.registry.rescue_code import RescueCodeTaken

CTX = Context(actor="test:claims", correlation_id="claims")
LEAD = {"name": "陈经理", "mobile": "13800138000"}


def facts(unit_id: str, rescue_code: str) -> dict:
    return {"unit_id": unit_id, "rescue_code": rescue_code, "address": "海德三道 88 号",
            "district": "南山区", "using_unit": {"code": "U-1", "name": "物业"}}


def test_concurrent_claims_collide_and_the_later_is_refused(services, count_events):
    registry = services.registry
    first_unit, _ = registry.register_unit("安达维保", LEAD, CTX)
    other_unit, _ = registry.register_unit("鹏城电梯", LEAD, CTX)
    registry.put_lift("44030000000000000001", facts(str(first_unit.id), "222333"), CTX)
    real, reads = registry.rescue_code_claim, []

    def read_before_the_other_save(rescue_code):  # the first read races the other writer
        reads.append(rescue_code)
        return None if len(reads) == 1 else real(rescue_code)

    registry.rescue_code_claim = read_before_the_other_save
    before = count_events("registry_events")
    with pytest.raises(RescueCodeTaken):
        registry.put_lift("44030000000000000002", facts(str(other_unit.id), "222333"), CTX)
    assert reads == ["222333", "222333"]  # tried, collided, retried on fresh state
    assert count_events("registry_events") == before
    with pytest.raises(NotFound):
        registry.lift("44030000000000000002")
    assert real("222333").holder == "44030000000000000001"
