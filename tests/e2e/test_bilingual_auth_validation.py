"""Chinese first for 401s, 403s and request-validation 422s (issue 14 item 9): `中文 (English)`,
the field still named in `errors[].field` and in the detail."""

import pytest

from adapters.http.validation_zh import bilingual

ALARM = {"lift": "44030000000000012345", "source": "96333", "source_ref": "zh-1"}


def test_pydantic_errors_read_chinese_first_with_their_limits():
    assert bilingual({"type": "missing", "msg": "Field required"}) == "缺少必填项 (Field required)"
    too_long = {"type": "string_too_long", "msg": "String should have at most 128 characters",
                "ctx": {"max_length": 128}}
    assert bilingual(too_long).startswith("太长（最多 128 个字符） (String should")
    assert bilingual({"type": "less_than_equal", "msg": "x", "ctx": {}}) == "须不大于 (x)"
    ours = {"type": "value_error", "msg": "Value error, 救援码须为 6 位数字 (rescue code ...)"}
    assert bilingual(ours) == ours["msg"]  # already in Chinese: left as it is
    assert bilingual({"type": "some_new_type", "msg": "odd"}) == "odd"


def test_401_reads_chinese_first(anonymous_client):
    for headers, zh, en in [({}, "未提供令牌", "no bearer token"),
                            ({"Authorization": "Bearer nope"}, "此令牌在这里无效", "the bearer token is not known here")]:
        response = anonymous_client.post("/v1/alarms", json=ALARM, headers=headers)
        assert response.status_code == 401
        detail = response.json()["detail"]
        assert detail.startswith(zh) and f"({en}" in detail and "liftrescue tokens create" in detail


def test_403_names_the_role_in_chinese(anonymous_client, token_for):
    response = anonymous_client.post("/v1/alarms", json=ALARM, headers=token_for("auditor"))
    assert response.status_code == 403
    assert response.json()["title"] == "角色 auditor 无权执行此操作 (role auditor may not do this)"


@pytest.mark.parametrize(("change", "field", "zh"), [
    ({"source_ref": None}, "source_ref", "缺少必填项 (Field required)"),
    ({"source_ref": "x" * 129}, "source_ref", "太长（最多 128 个字符） (String should have"),
    ({"trapped_count": "two"}, "trapped_count", "须为整数 (Input should be a valid integer"),
    ({"source": "fax"}, "source", "须为以下之一：'96333', 'iot', 'app' or 'phone' (Input"),
    ({"color": "red"}, "color", "不接受此字段 (Extra inputs are not permitted)"),
    ({"received_at": "yesterday"}, "received_at", "不是有效的日期时间（如 2026-11-22T08:15:00+08:00）"),
    ({"caller": {"phone": "abc"}}, "caller.phone", "格式不符 (String should match pattern"),
])
def test_422_reads_chinese_first_and_names_the_field(client, count_events, change, field, zh):
    body = {k: v for k, v in (ALARM | change).items() if v is not None}
    response = client.post("/v1/alarms", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    [error] = [e for e in problem["errors"] if e["field"] == field]
    assert error["msg"].startswith(zh), error
    assert error["loc"][-1] == field.split(".")[-1]
    assert f"{field}: {zh}" in problem["detail"]
    assert count_events() == 0


def test_invalid_json_reads_chinese_first(client):
    response = client.post("/v1/alarms", content=b'{"lift": ', 
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert "不是有效的 JSON (JSON decode error" in response.json()["detail"]
