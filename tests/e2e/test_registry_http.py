"""Registry rules over HTTP against real PostgreSQL."""

import pytest

from tests.e2e.registry_helpers import LEAD, code, lift_body, make_lift, make_station, make_unit


def test_unit_without_rescue_info_cannot_maintain_lifts(client, count_events):
    unit_id = make_unit(client, lead=None)
    refused = client.put(f"/v1/lifts/{code(1)}", json=lift_body(unit_id))
    assert refused.status_code == 409 and "rescue info" in refused.json()["detail"]
    before = count_events("registry_events")
    assert client.put(f"/v1/units/{unit_id}/rescue-info",
                      json={"emergency_lead": LEAD}).status_code == 200
    assert client.put(f"/v1/lifts/{code(1)}", json=lift_body(unit_id)).status_code == 201
    revised = client.put(f"/v1/lifts/{code(1)}", json=lift_body(unit_id, site_type="医院"))
    assert revised.status_code == 200 and revised.json()["site_type"] == "医院"
    assert count_events("registry_events") == before + 3


@pytest.mark.parametrize(("path_code", "body_extra", "field"), [
    ("123", {}, "registration_code"),
    (code(2), {"rescue_code": "12"}, "rescue_code"),
    (code(2), {"district": "朝阳区"}, "district"),
    (code(2), {"site_type": "火星"}, "site_type"),
    (code(2), {"safety_manager": {"name": "x", "mobile": "123"}}, "safety_manager.mobile"),
    (code(2), {"using_unit": {"code": "U"}}, "using_unit.name"),
])
def test_bad_lift_formats_are_422_and_store_nothing(client, count_events, path_code,
                                                     body_extra, field):
    unit_id = make_unit(client)
    before = count_events("registry_events")
    response = client.put(f"/v1/lifts/{path_code}", json=lift_body(unit_id) | body_extra)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert count_events("registry_events") == before


@pytest.mark.parametrize(("coverage", "field"), [
    ({"districts": ["南山区", "福田区", "罗湖区", "宝安区"]}, "coverage.districts"),
    ({"districts": []}, "coverage.districts"),
    ({"districts": ["南山区", "福田区"], "streets": "粤海街道"}, "coverage.streets"),
    ({"districts": ["南山区", "不存在区"]}, "coverage.districts.1"),
])
def test_station_coverage_rules(client, count_events, coverage, field):
    unit_id = make_unit(client)
    before = count_events("registry_events")
    response = client.post("/v1/stations", json={
        "unit_id": unit_id, "name": "站", "district": "南山区", "lead": LEAD,
        "coverage": coverage})
    assert response.status_code == 422 and field in [e["field"] for e in
                                                     response.json()["errors"]]
    assert count_events("registry_events") == before


def test_one_district_with_streets_is_fine_and_the_last_worker_stays(client):
    unit_id = make_unit(client)
    response = client.post("/v1/stations", json={
        "unit_id": unit_id, "name": "粤海站", "district": "南山区", "lead": LEAD,
        "coverage": {"districts": ["南山区"], "streets": "粤海街道、沙河街道"}})
    assert response.status_code == 201
    station_id = response.json()["id"]
    first = client.post(f"/v1/stations/{station_id}/workers",
                        json={"name": "甲", "mobile": "13700000001"}).json()["worker_id"]
    refused = client.delete(f"/v1/stations/{station_id}/workers/{first}")
    assert refused.status_code == 409 and "at least one worker" in refused.json()["detail"]
    second = client.post(f"/v1/stations/{station_id}/workers",
                         json={"name": "乙", "mobile": "13700000002"}).json()["worker_id"]
    assert client.delete(f"/v1/stations/{station_id}/workers/{first}").status_code == 204
    workers = client.get(f"/v1/stations/{station_id}").json()["workers"]
    assert [w["worker_id"] for w in workers] == [second]


def test_bind_only_own_unit_lifts_all_or_nothing(client, count_events):
    unit_a, unit_b = make_unit(client, "A"), make_unit(client, "B")
    station = make_station(client, unit_a)
    mine = [make_lift(client, unit_a, n) for n in (1, 2)]
    theirs = make_lift(client, unit_b, 3)
    before = count_events("registry_events")
    refused = client.post(f"/v1/stations/{station}/bind",
                          json={"registration_codes": [*mine, theirs]})
    assert refused.status_code == 409 and theirs in refused.json()["detail"]
    assert count_events("registry_events") == before
    bound = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": mine})
    assert bound.json()["bound"] == 2
    assert client.get(f"/v1/lifts/{mine[0]}").json()["station_id"] == station
    unbound = client.post(f"/v1/stations/{station}/unbind", json={"registration_codes": mine[:1]})
    assert unbound.json()["unbound"] == 1
    assert client.get(f"/v1/lifts/{mine[0]}").json()["station_id"] is None


def test_batch_update_refuses_mixed_using_units(client, count_events, views):
    unit = make_unit(client)
    one = [make_lift(client, unit, n, using="U-1") for n in (1, 2)]
    other = make_lift(client, unit, 3, using="U-2")
    before = count_events("registry_events")
    mixed = client.post("/v1/lifts/batch-update", json={
        "unit_id": unit, "using_unit_code": "U-1", "registration_codes": [*one, other],
        "site_type": "医院"})
    assert mixed.status_code == 409 and "mixes using units" in mixed.json()["detail"]
    assert count_events("registry_events") == before
    manager = {"name": "赵安全", "mobile": "13700137000"}
    done = client.post("/v1/lifts/batch-update", json={
        "unit_id": unit, "using_unit_code": "U-1", "site_type": "医院",
        "safety_manager": manager})
    assert done.status_code == 200 and done.json()["updated"] == 2, done.text
    assert {client.get(f"/v1/lifts/{c}").json()["site_type"] for c in one} == {"医院"}
    assert client.get(f"/v1/lifts/{other}").json()["site_type"] is None


def test_data_gaps_list_the_right_things(client, views):
    unit = make_unit(client)
    lazy = make_unit(client, "未填救援信息", lead=None)
    station = make_station(client, unit)
    empty = make_station(client, unit, name="空站", workers=0)
    complete = make_lift(client, unit, 1, site_type="住宅小区",
                         safety_manager={"name": "赵", "mobile": "13700137000"})
    bare = make_lift(client, unit, 2)
    response = client.post(f"/v1/stations/{station}/bind",
                           json={"registration_codes": [complete]})
    gaps = client.get("/v1/data-gaps", params={"unit_id": unit,
                                               "after": response.json()["notification_id"]})
    assert gaps.status_code == 200, gaps.text
    body = gaps.json()
    assert body["missing_safety_manager"] == [bare]
    assert body["missing_site_type"] == [bare]
    assert body["unbound_lifts"] == [bare]
    assert [s["station_id"] for s in body["stations_without_workers"]] == [empty]
    assert body["unit_missing_rescue_info"] == []
    everyone = client.get("/v1/data-gaps").json()
    assert [u["unit_id"] for u in everyone["unit_missing_rescue_info"]] == [lazy]


def test_lift_lists_filter_and_page(client, views):
    unit = make_unit(client)
    station = make_station(client, unit)
    codes = [make_lift(client, unit, n) for n in range(1, 6)]
    last = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": codes[:2]})
    after = last.json()["notification_id"]
    page = client.get("/v1/lifts", params={"unit_id": unit, "limit": 3, "after": after}).json()
    assert [i["registration_code"] for i in page["items"]] == codes[:3]
    rest = client.get("/v1/lifts", params={"unit_id": unit, "cursor": page["next_cursor"]})
    assert [i["registration_code"] for i in rest.json()["items"]] == codes[3:]
    unbound = client.get("/v1/lifts", params={"unit_id": unit, "bound": False}).json()["items"]
    assert [i["registration_code"] for i in unbound] == codes[2:]


def test_unit_tokens_see_and_change_only_their_unit(client, token_for):
    unit_a, unit_b = make_unit(client, "A"), make_unit(client, "B")
    station_b = make_station(client, unit_b)
    lift_b = make_lift(client, unit_b, 9)
    a = token_for("unit", unit_id=unit_a)
    assert client.get(f"/v1/lifts/{lift_b}", headers=a).status_code == 404
    assert client.get(f"/v1/stations/{station_b}", headers=a).status_code == 404
    assert client.get(f"/v1/units/{unit_b}", headers=a).status_code == 404
    assert client.put(f"/v1/lifts/{code(10)}", json=lift_body(unit_b),
                      headers=a).status_code == 404
    assert client.post(f"/v1/stations/{station_b}/workers", headers=a,
                       json={"name": "x", "mobile": "13700000009"}).status_code == 404
    assert client.get("/v1/data-gaps", params={"unit_id": unit_b}, headers=a).status_code == 404
    own = client.put(f"/v1/lifts/{code(11)}", json=lift_body(unit_a), headers=a)
    assert own.status_code == 201
    assert client.post("/v1/units", json={"name": "x"}, headers=a).status_code == 403
    auditor = token_for("auditor")
    assert client.get(f"/v1/lifts/{lift_b}", headers=auditor).status_code == 200
    assert client.put(f"/v1/lifts/{code(12)}", json=lift_body(unit_b),
                      headers=auditor).status_code == 403


def test_every_registry_change_records_its_actor(client, services_of):
    unit = make_unit(client)
    events = list(services_of(client).registry.repository.event_store.get(
        __import__("uuid").UUID(unit)))
    assert [type(e).__name__ for e in events] == ["UnitRegistered"]
    assert events[0].actor == "admin:test" and events[0].correlation_id
