"""Registry answers keep their JSON shape (keys, order, types) now that they are typed models."""

import json
import re
from pathlib import Path

from tests.e2e.registry_helpers import code, lift_body, make_lift, make_station, make_unit

GOLDEN = Path(__file__).parent / "golden" / "registry_shapes.json"
ID = re.compile(r"^(?=.*[a-f])[0-9a-f]{32}$|^[0-9a-f-]{36}$|^(?=.*[a-f])[0-9a-f]{12}$")


def shape(response) -> dict:
    """Status, ETag presence and the body with ids and counters made comparable."""
    return {"status": response.status_code, "etag": "etag" in response.headers,
            "body": _stable(response.json() if response.content else None)}


def _stable(value, key: str = ""):  # noqa: ANN001, ANN202
    if isinstance(value, dict):
        return {_stable(k): _stable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if key == "notification_id" and isinstance(value, int):
        return "N"
    return "ID" if isinstance(value, str) and ID.match(value) else value


def test_registry_answers_keep_their_shapes(client, views):
    unit = make_unit(client)
    station = make_station(client, unit, workers=2)
    make_lift(client, unit, 1, site_type="住宅小区")
    make_lift(client, unit, 2)
    answers = {
        "unit": client.get(f"/v1/units/{unit}"),
        "rescue_info": client.put(f"/v1/units/{unit}/rescue-info", json={
            "emergency_lead": {"name": "王", "mobile": "13800138001"}}),
        "register_unit": client.post("/v1/units", json={"name": "乙"}),
        "station": client.get(f"/v1/stations/{station}"),
        "patch_station": client.patch(f"/v1/stations/{station}", json={"name": "南山二站"}),
        "add_worker": client.post(f"/v1/stations/{station}/workers",
                                  json={"name": "丙", "mobile": "13700000009", "note": "夜"}),
        "put_lift_revise": client.put(f"/v1/lifts/{code(2)}",
                                      json=lift_body(unit, street="粤海街道")),
        "lift": client.get(f"/v1/lifts/{code(1)}"),
        "bind": client.post(f"/v1/stations/{station}/bind",
                            json={"registration_codes": [code(1)]}),
        "unbind": client.post(f"/v1/stations/{station}/unbind",
                              json={"registration_codes": [code(1)]}),
        "batch": client.post("/v1/lifts/batch-update", json={
            "unit_id": unit, "using_unit_code": "U-1", "site_type": "医院"}),
    }
    after = answers["batch"].json()["notification_id"]
    answers["lifts"] = client.get("/v1/lifts", params={"unit_id": unit, "after": after})
    answers["data_gaps"] = client.get("/v1/data-gaps", params={"after": after})
    worker = answers["add_worker"].json()["worker_id"]
    removed = client.delete(f"/v1/stations/{station}/workers/{worker}")
    assert (removed.status_code, removed.content) == (204, b"")
    assert removed.headers["ETag"] == client.get(f"/v1/stations/{station}").headers["ETag"]
    got = {name: shape(r) for name, r in answers.items()}
    assert "X-View-Caught-Up" in answers["lifts"].headers
    assert got == json.loads(GOLDEN.read_text())
