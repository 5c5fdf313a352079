"""Build a small registry over HTTP for tests."""

LEAD = {"name": "陈经理", "mobile": "13800138000"}


def code(n: int) -> str:
    return f"4403{n:016d}"


def make_unit(client, name="安达维保", lead=LEAD, headers=None) -> str:
    response = client.post("/v1/units", json={"name": name, "emergency_lead": lead},
                           headers=headers or {})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def make_station(client, unit_id, name="南山一站", districts=("南山区",), workers=1,
                 headers=None) -> str:
    response = client.post("/v1/stations", headers=headers or {}, json={
        "unit_id": unit_id, "name": name, "district": districts[0],
        "lead": {"name": "刘站长", "mobile": "13900139000"},
        "coverage": {"districts": list(districts)}})
    assert response.status_code == 201, response.text
    station_id = response.json()["id"]
    for i in range(workers):
        added = client.post(f"/v1/stations/{station_id}/workers",
                            json={"name": f"工{i}", "mobile": f"1370013700{i}"},
                            headers=headers or {})
        assert added.status_code == 201, added.text
    return station_id


def lift_body(unit_id, using="U-1", **extra) -> dict:
    return {"unit_id": unit_id, "using_unit": {"code": using, "name": f"物业{using}"},
            "address": "海德三道 88 号", "district": "南山区", **extra}


def make_lift(client, unit_id, n, using="U-1", headers=None, station_id=None, **extra) -> str:
    response = client.put(f"/v1/lifts/{code(n)}", json=lift_body(unit_id, using, **extra),
                          headers=headers or {})
    assert response.status_code == 201, response.text
    return code(n)
