"""Issue 14 as its users met it (QA wave): refusals in words, Chinese first, naming the field."""

import re

import pytest


def test_lift_code_and_content_type_refusals_read_chinese_first(client):
    """Two refusals a call-taker meets first answered in English only."""
    wrong_lift = client.post("/v1/alarms", json={"lift": "12345", "source": "phone",
                                                 "source_ref": "Z1"})
    assert wrong_lift.status_code == 422
    assert wrong_lift.json()["errors"][0]["msg"].startswith("须为 20 位注册代码或 6 位救援识别码 (")
    for headers in ({"Content-Type": "text/plain"}, {}):
        no_json = client.post("/v1/alarms", content=b"lift=44030000000000012345",
                              headers=headers)
        assert no_json.status_code == 415
        detail = no_json.json()["detail"]
        assert re.search(r"[\u4e00-\u9fff]", detail.split("(")[0]), detail
        assert "(Content-Type must be application/json" in detail


def test_rescue_method_and_null_refusals_read_chinese_first(client):
    """`rescue_method` read "not a rescue method code (1 平层开门放人, …)" (English first) and an
    explicit null in a registry PATCH was English only."""
    from tests.e2e.registry_helpers import make_station, make_unit

    made = client.post("/v1/alarms", json={"lift": "44030000000000054321", "source": "96333",
                                           "source_ref": "M1", "dispatch": "external"})
    ticket = made.json()["ticket_id"]
    for command in ("notify", "arrive"):
        assert client.post(f"/v1/tickets/{ticket}/{command}", json={}).status_code == 200
    wrong = client.post(f"/v1/tickets/{ticket}/release", json={
        "released_count": 1, "released_by": "rescuer", "rescue_method": "7"})
    assert wrong.status_code == 422
    msg = wrong.json()["errors"][0]["msg"]
    assert msg.startswith("不是救援方法代码，可选：1 平层开门放人") and msg.endswith(
        "(not a rescue method code: 1, 2, 3, 4, 5, 9)")
    station = make_station(client, make_unit(client, "丁维保"), "S")
    null = client.patch(f"/v1/stations/{station}", json={"name": None})
    assert null.status_code == 422
    assert null.json()["errors"][0]["msg"].startswith("不能为 null") and \
        "(may not be null" in null.json()["errors"][0]["msg"]


def test_an_oversized_body_is_refused_chinese_first(client):
    """The 413 read English only."""
    too_big = client.post("/v1/alarms", content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                          headers={"Content-Type": "application/json"})
    assert too_big.status_code == 413
    assert too_big.json()["detail"].startswith("请求体最多 1048576 字节")
    assert "(body: at most 1048576 bytes are accepted" in too_big.json()["detail"]


def test_unknown_address_and_method_say_so_in_words(client):
    """A mistyped address answered only {"title": "Not Found"}; a wrong method likewise."""
    nowhere = client.get("/v1/ticket")
    assert nowhere.status_code == 404
    assert nowhere.json()["detail"].startswith("没有这个地址") and "/docs" in nowhere.json()["detail"]
    wrong_method = client.delete("/v1/tickets")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["detail"].startswith("此地址不接受这种请求方法")
    unknown_ticket = client.get("/v1/tickets/by-no/T20990101-000001")
    assert unknown_ticket.status_code == 404 and "没有这个地址" not in unknown_ticket.text


@pytest.mark.parametrize(("path", "field"), [
    ("/v1/tickets?q=a%00", "query.q"), ("/v1/tickets?district=%00", "query.district"),
    ("/v1/lifts?q=%00", "query.q"), ("/v1/tickets/by-no/T%00", "path.ticket_no")])
def test_a_nul_in_a_search_is_named(client, path, field):
    """A NUL in a filter answered "a value cannot be stored: PostgreSQL text fields…" (English,
    no field, as if something were being saved)."""
    answer = client.get(path)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert answer.json()["detail"].startswith(f"{field}: 文本不能含 NUL 字符")
