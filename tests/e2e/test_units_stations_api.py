"""Units' full rescue information and the unit and station lists over HTTP (issue 15 items 1,
3): checked like the domain checks it, nothing stored when refused, scoped for unit tokens."""

import csv
import io

import pytest

from tests.e2e.registry_helpers import LEAD, make_station, make_unit

CODE, OTHER_CODE = "91350100M000100Y43", "914403001922038216"
INFO = {"code": CODE, "address": "南山区科技园 1 号", "duty_phone": "13500135000"}


def test_rescue_info_takes_code_address_duty_phone_and_old_bodies_still_work(client):
    unit = make_unit(client, "全信息维保", lead=None)
    full = client.put(f"/v1/units/{unit}/rescue-info", json={"emergency_lead": LEAD, **INFO})
    assert full.status_code == 200, full.text
    assert {k: full.json()[k] for k in INFO} == INFO and full.json()["has_rescue_info"]
    old = client.put(f"/v1/units/{unit}/rescue-info",
                     json={"emergency_lead": {"name": "新经理", "mobile": "13800138009"}})
    assert old.status_code == 200 and old.json()["code"] == CODE  # left out: kept
    got = client.get(f"/v1/units/{unit}").json()
    assert got["emergency_lead"] == {"name": "新经理", "mobile": "13800138009"}
    assert got["duty_phone"] == INFO["duty_phone"]


@pytest.mark.parametrize(("body", "field"), [
    ({"code": "91350100M000100Y44"}, "code"),  # check character wrong
    ({"code": "9135"}, "code"),
    ({"duty_phone": "12345"}, "duty_phone"),
    ({"emergency_lead": {"name": "王", "mobile": "123"}}, "emergency_lead.mobile"),
    ({"code": None}, "code"),
    ({"address": ""}, "address"),
])
def test_bad_rescue_info_is_422_naming_the_field_and_stores_nothing(client, count_events,
                                                                     body, field):
    unit = make_unit(client, "坏信息维保")
    before = count_events("registry_events")
    refused = client.put(f"/v1/units/{unit}/rescue-info", json=body)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert field in [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
    assert count_events("registry_events") == before


def test_unit_and_station_lists_are_scoped_and_filtered(client, token_for, views):
    mine, other = make_unit(client, "甲维保"), make_unit(client, "乙维保")
    set_info = client.put(f"/v1/units/{mine}/rescue-info", json=INFO)
    nanshan = make_station(client, mine, "甲南山站", districts=("南山区",))
    futian = make_station(client, mine, "甲福田站", districts=("福田区", "罗湖区"))
    make_station(client, other, "乙南山站", districts=("南山区",))
    after = client.post(f"/v1/stations/{futian}/workers",
                        json={"name": "晚到", "mobile": "13700137111"}).json()["notification_id"]
    assert set_info.json()["notification_id"] < after

    units = client.get("/v1/units", params={"after": after}).json()["items"]
    assert {"甲维保", "乙维保"} <= {u["name"] for u in units}
    row = next(u for u in units if u["unit_id"] == mine)
    assert (row["code"], row["duty_phone"], row["lead_name"], row["stations"]) == (
        CODE, INFO["duty_phone"], LEAD["name"], 2)
    as_unit = token_for("unit", unit_id=mine)
    assert [u["unit_id"] for u in client.get("/v1/units", headers=as_unit).json()["items"]] \
        == [mine]
    assert client.get("/v1/units", params={"unit_id": other}, headers=as_unit).status_code == 404

    def names(params, headers=None):
        answer = client.get("/v1/stations", params=params, headers=headers or {})
        assert answer.status_code == 200, answer.text
        return sorted(s["name"] for s in answer.json()["items"])

    assert names({"district": "南山区"}) == ["乙南山站", "甲南山站"]
    assert names({"district": "罗湖区"}) == ["甲福田站"]  # covered, not its seat
    assert names({"unit_id": mine, "district": "南山区"}) == ["甲南山站"]
    assert names({"district": "南山区"}, as_unit) == ["甲南山站"]
    assert nanshan

    exported = client.get("/v1/units", params={"format": "csv"})
    assert exported.status_code == 200 and exported.text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert any("统一社会信用代码" in h for h in table[0])
    assert CODE in exported.text and INFO["duty_phone"] not in exported.text  # masked
    xlsx = client.get("/v1/stations", params={"format": "xlsx", "district": "南山区"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_unit_without_a_station_is_a_data_gap(client, views):
    lonely, kept = make_unit(client, "无站维保"), make_unit(client, "有站维保")

    def without_station(station_of: str) -> list[str]:
        station = make_station(client, station_of, "一站", workers=0)
        nid = client.post(f"/v1/stations/{station}/workers", json={
            "name": "工", "mobile": "13700137000"}).json()["notification_id"]
        gaps = client.get("/v1/data-gaps", params={"after": nid}).json()
        return [u["unit_id"] for u in gaps["units_without_station"]]

    first = without_station(kept)
    assert lonely in first and kept not in first
    assert lonely not in without_station(lonely)
