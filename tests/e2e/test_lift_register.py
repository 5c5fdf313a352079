"""Lift search, edit rules, location and the safety-manager register over the API (issue 15
items 4-7)."""

from tests.e2e.registry_helpers import code, lift_body, make_lift, make_station, make_unit


def test_search_address_confirmation_and_location(client, views, count_events):
    unit = make_unit(client)
    station = make_station(client, unit)
    make_lift(client, unit, 1, using="U-1", rescue_code="111111")
    make_lift(client, unit, 2, using="U-2")
    bound = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": [code(1)]})
    nid = bound.json()["notification_id"]

    def found(**params):
        response = client.get("/v1/lifts", params={"after": nid, **params})
        assert response.status_code == 200, response.text
        return [i["registration_code"] for i in response.json()["items"]]

    assert found(rescue_code="111111") == [code(1)]
    assert found(q="111111") == [code(1)]
    assert found(using_unit="物业U-2") == [code(2)]
    assert found(using_unit="U-1") == [code(1)]
    assert found(registration_code=code(2)[:20]) == [code(2)]
    assert found(bound="false") == [code(2)]
    assert found(station_id=station) == [code(1)]
    assert found(district="南山区") == [code(1), code(2)]
    assert found(district="福田区") == []

    events = count_events("registry_events")
    moved = client.put(f"/v1/lifts/{code(2)}", json=lift_body(unit, "U-2", address="新地址 1 号"))
    assert moved.status_code == 422, moved.text
    assert moved.json()["errors"][0]["field"] == "address_confirmed"
    assert moved.json()["detail"].startswith("修改地址须勾选确认")
    far = client.put(f"/v1/lifts/{code(2)}", json=lift_body(
        unit, "U-2", location={"lat": 91, "lng": 113.9}))
    assert far.status_code == 422 and far.json()["errors"][0]["field"] == "location.lat"
    assert count_events("registry_events") == events
    ok = client.put(f"/v1/lifts/{code(2)}", json=lift_body(
        unit, "U-2", address="新地址 1 号", address_confirmed=True,
        location={"lat": 22.54, "lng": 113.93}))
    assert ok.status_code == 200, ok.text
    assert ok.json()["address"] == "新地址 1 号"
    assert ok.json()["location"] == {"lat": 22.54, "lng": 113.93}
    lift = client.app.state.services.registry.lift(code(2))
    last = list(client.app.state.services.registry.repository.event_store.get(lift.id))[-1]
    assert last.changes["address_confirmed"] is True


def test_safety_manager_register_assign_and_gap(client, views, token_for):
    unit, other = make_unit(client), make_unit(client, name="别家维保")
    for n in (1, 2):
        make_lift(client, unit, n, using="U-1")
    make_lift(client, unit, 3, using="U-2")
    make_lift(client, other, 4, using="U-1")
    manager = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "赵安全",
                                                       "mobile": "13700137000"})
    assert manager.status_code == 201, manager.text
    assert manager.json()["mobile"] == "13700137000"
    gap = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "钱无号"})
    assert gap.status_code == 201, gap.text
    assigned = client.post(f"/v1/safety-managers/{manager.json()['id']}/assign",
                           json={"using_unit_name": "物业U-1"})
    assert assigned.status_code == 200 and assigned.json()["updated"] == 2, assigned.text
    nid = assigned.json()["notification_id"]
    rows = client.get("/v1/lifts", params={"after": nid, "using_unit_code": "U-1",
                                          "unit_id": unit}).json()
    assert [(r["registration_code"], r["safety_manager_name"], r["safety_manager_mobile"])
            for r in rows["items"]] == [(code(1), "赵安全", "137****7000"),
                                        (code(2), "赵安全", "137****7000")]
    assert client.get(f"/v1/lifts/{code(4)}").json()["safety_manager"] is None
    events = [e for e in client.app.state.services.registry.repository.event_store.get(
        client.app.state.services.registry.lift(code(1)).id)]
    assert "13700137000" not in str([e.__dict__ for e in events])  # sealed, masked in events
    gaps = client.get("/v1/data-gaps", params={"unit_id": unit}).json()
    assert [g["name"] for g in gaps["safety_managers_without_mobile"]] == ["钱无号"]
    assert code(3) in gaps["missing_safety_manager"] and code(1) not in \
        gaps["missing_safety_manager"]
    theirs = client.post(f"/v1/safety-managers/{manager.json()['id']}/assign",
                         json={"registration_codes": [code(4)]})
    assert theirs.status_code == 404, theirs.text
    as_other = client.post(f"/v1/safety-managers/{manager.json()['id']}/assign",
                           json={"using_unit_code": "U-1"},
                           headers=token_for("unit", unit_id=other))
    assert as_other.status_code == 404, as_other.text
    mixed = client.post("/v1/lifts/batch-update", json={
        "unit_id": unit, "using_unit_code": "U-1", "registration_codes": [code(1), code(3)],
        "site_type": "住宅小区"})
    assert mixed.status_code in (409, 422) and "不同的使用单位" in mixed.json()["detail"]


def test_filling_a_managers_mobile_closes_the_gap_and_its_lifts_follow(client, views):
    unit = make_unit(client)
    make_lift(client, unit, 1, using="U-1")
    stale = client.post("/v1/safety-managers", headers={"If-Match": '"3"'},
                        json={"unit_id": unit, "name": "钱无号"})
    assert stale.status_code == 412, stale.text
    gap = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "钱无号"}).json()
    assigned = client.post(f"/v1/safety-managers/{gap['id']}/assign",
                           json={"registration_codes": [code(1)]})
    assert assigned.status_code == 200, assigned.text
    lift = client.get(f"/v1/lifts/{code(1)}").json()
    assert lift["safety_manager"] == {"name": "钱无号", "mobile": None}
    assert lift["safety_manager_id"] == gap["id"]
    client.get("/v1/lifts", params={"after": assigned.json()["notification_id"]})
    old = client.put(f"/v1/safety-managers/{gap['id']}", headers={"If-Match": '"7"'},
                     json={"name": "钱有号", "mobile": "13700137001"})
    assert old.status_code == 412, old.text
    bad = client.put(f"/v1/safety-managers/{gap['id']}", json={"name": "钱", "mobile": "1"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "mobile"
    fixed = client.put(f"/v1/safety-managers/{gap['id']}", headers={"If-Match": '"1"'},
                       json={"name": "钱有号", "mobile": "13700137001"})
    assert fixed.status_code == 200 and fixed.json()["mobile"] == "13700137001", fixed.text
    assert fixed.headers["ETag"] == '"2"'
    lift = client.get(f"/v1/lifts/{code(1)}").json()
    assert lift["safety_manager"] == {"name": "钱有号", "mobile": "13700137001"}
    gaps = client.get("/v1/data-gaps", params={"after": fixed.json()["notification_id"],
                                               "unit_id": unit}).json()
    assert gaps["safety_managers_without_mobile"] == []
