"""Registry rules a user depends on: edits never stop the view, rescue codes are unique,
stale writes are refused, nulls and foreign digits are refused, other units stay invisible."""

import pytest

from tests.e2e.registry_helpers import code, lift_body, make_lift, make_station, make_unit


def caught_up(client, notification_id) -> dict:
    """The lift list once the registry view has processed `notification_id`."""
    listed = client.get("/v1/lifts", params={"after": notification_id})
    assert listed.headers["X-View-Caught-Up"] == "true", "the registry view stopped"
    return {item["registration_code"]: item for item in listed.json()["items"]}


def test_renamed_station_keeps_the_view_running_and_alarms_routed(client, views):
    unit = make_unit(client, "安达维保")
    station = make_station(client, unit, "南山一站")
    renamed = client.patch(f"/v1/stations/{station}", json={"name": "南山中心站"})
    assert renamed.status_code == 200, renamed.text
    lift = make_lift(client, unit, 1, rescue_code="246810")
    bound = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": [lift]})
    listed = caught_up(client, bound.json()["notification_id"])
    assert listed[lift]["station_id"] == station and listed[lift]["rescue_code"] == "246810"
    rows = client.app.state.services.registry_queries.stations(unit)
    assert [r["name"] for r in rows] == ["南山中心站"] and len(rows[0]["workers"]) == 1
    created = client.post("/v1/alarms", json={"lift": "246810", "source": "96333",
                                              "source_ref": "rename-1"})
    assert created.status_code == 201, created.text
    ticket = client.get(f"/v1/tickets/{created.json()['ticket_id']}").json()
    assert ticket["lift_known"] is True
    assert ticket["lift"]["registration_code"] == lift
    assert ticket["lift"]["station_id"] == station
    assert ticket["lift"]["station_name"] == "南山中心站"


# ---- rescue codes are unique city-wide ---------------------------------------------------
def alarm_lift(client, rescue_code: str, ref: str) -> dict:
    created = client.post("/v1/alarms", json={"lift": rescue_code, "source": "96333",
                                              "source_ref": ref})
    assert created.status_code == 201, created.text
    return client.get(f"/v1/tickets/{created.json()['ticket_id']}").json()


def test_a_rescue_code_belongs_to_one_lift_and_is_freed_by_a_change(client, count_events):
    first_unit, other_unit = make_unit(client, "安达维保"), make_unit(client, "鹏城电梯")
    first = make_lift(client, first_unit, 1, rescue_code="135790")
    before = count_events("registry_events")
    taken = client.put(f"/v1/lifts/{code(2)}", json=lift_body(other_unit, rescue_code="135790"))
    assert taken.status_code == 409, taken.text
    assert "already used by another lift" in taken.json()["detail"]
    for secret in (first_unit, "安达维保", first):
        assert secret not in taken.text
    assert count_events("registry_events") == before
    assert alarm_lift(client, "135790", "r1")["lift"]["registration_code"] == first
    again = client.put(f"/v1/lifts/{first}", json=lift_body(first_unit, rescue_code="135790",
                                                               site_type="医院"))
    assert again.status_code == 200, again.text  # the holder keeps its own code
    moved = client.put(f"/v1/lifts/{first}", json=lift_body(first_unit, rescue_code="135791"))
    assert moved.status_code == 200, moved.text
    second = client.put(f"/v1/lifts/{code(2)}", json=lift_body(other_unit, rescue_code="135790"))
    assert second.status_code == 201, second.text
    assert alarm_lift(client, "135790", "r2")["lift"]["registration_code"] == code(2)
    assert alarm_lift(client, "135791", "r3")["lift"]["registration_code"] == first
    back = client.put(f"/v1/lifts/{first}", json=lift_body(first_unit, rescue_code="135790"))
    assert back.status_code == 409


def test_lifts_registered_before_claims_still_hold_their_code(client, views, services_of):
    from domain.registry.lift import Lift

    unit = make_unit(client)
    registry = services_of(client).registry
    old = Lift.register(code=code(7), facts=lift_body(unit, rescue_code="864209"),
                        actor="import:legacy", correlation_id="legacy")
    nid = registry.save(old)[-1].notification.id  # as before this change: no claim
    assert caught_up(client, nid)[code(7)]["rescue_code"] == "864209"
    assert alarm_lift(client, "864209", "legacy")["lift"]["registration_code"] == code(7)
    taken = client.put(f"/v1/lifts/{code(8)}", json=lift_body(unit, rescue_code="864209"))
    assert taken.status_code == 409, taken.text
    assert registry.rescue_code_claim("864209") is None
    kept = client.put(f"/v1/lifts/{code(7)}", json=lift_body(unit, rescue_code="864209"))
    assert kept.status_code == 200, kept.text
    assert registry.rescue_code_claim("864209").holder == code(7)


# ---- If-Match on every registry command, ETag on reads -----------------------------------
STATION = {"name": "福田站", "district": "福田区", "lead": {"name": "刘站长", "mobile": "13900139000"},
           "coverage": {"districts": ["福田区"]}}


def small_registry(client) -> dict[str, str]:
    """A unit (version 1), its station with two workers (version 3), a bound lift and an
    unbound one (each version 1 before binding)."""
    unit = make_unit(client)
    station = make_station(client, unit, workers=2)
    bound, loose = make_lift(client, unit, 1), make_lift(client, unit, 2)
    client.post(f"/v1/stations/{station}/bind", json={"registration_codes": [bound]})
    worker = client.get(f"/v1/stations/{station}").json()["workers"][0]["worker_id"]
    return {"unit": unit, "station": station, "bound": bound, "loose": loose, "worker": worker}


# kind: (method, path, body, current version, version after, as format strings over the ids)
COMMANDS = {
    "register_unit": ("POST", "/v1/units", {"name": "新单位"}, 0, 1),
    "rescue_info": ("PUT", "/v1/units/{unit}/rescue-info",
                    {"emergency_lead": {"name": "陈经理", "mobile": "13800138000"}}, 1, 2),
    "register_station": ("POST", "/v1/stations", {"unit_id": "{unit}", **STATION}, 0, 1),
    "update_station": ("PATCH", "/v1/stations/{station}", {"name": "改名站"}, 3, 4),
    "add_worker": ("POST", "/v1/stations/{station}/workers",
                   {"name": "丙", "mobile": "13700000003"}, 3, 4),
    "remove_worker": ("DELETE", "/v1/stations/{station}/workers/{worker}", None, 3, 4),
    "register_lift": ("PUT", "/v1/lifts/" + code(3), lift_body("{unit}"), 0, 1),
    "revise_lift": ("PUT", "/v1/lifts/{loose}", lift_body("{unit}", site_type="医院"), 1, 2),
    "bind": ("POST", "/v1/stations/{station}/bind", {"registration_codes": ["{loose}"]}, 3, 3),
    "unbind": ("POST", "/v1/stations/{station}/unbind", {"registration_codes": ["{bound}"]},
               3, 3),
    "batch_update": ("POST", "/v1/lifts/batch-update",
                     {"unit_id": "{unit}", "using_unit_code": "U-1", "site_type": "医院",
                      "registration_codes": ["{bound}", "{loose}"]}, 1, 1),
}


def filled(value, ids: dict[str, str]):
    if isinstance(value, dict):
        return {k: filled(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [filled(v, ids) for v in value]
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_every_registry_command_honours_if_match(client, count_events, kind):
    ids = small_registry(client)
    method, path, body, current, after = COMMANDS[kind]
    path, body = filled(path, ids), filled(body, ids)
    before = count_events("registry_events")
    stale = client.request(method, path, json=body, headers={"If-Match": f'"{current + 1}"'})
    assert stale.status_code == 412, stale.text
    assert stale.json()["type"].endswith("/version_mismatch")
    said = "尚不存在 (" if current == 0 else f"版，而非第 {current + 1} 版 ("
    assert said in stale.json()["detail"], stale.text
    assert count_events("registry_events") == before
    done = client.request(method, path, json=body, headers={"If-Match": f'"{current}"'})
    assert done.status_code < 300, done.text
    assert done.headers["ETag"] == f'"{after}"'
    assert count_events("registry_events") > before


def test_registry_reads_carry_the_etag_a_write_needs(client):
    ids = small_registry(client)
    for path, version in ((f"/v1/units/{ids['unit']}", 1), (f"/v1/stations/{ids['station']}", 3),
                          (f"/v1/lifts/{ids['bound']}", 2)):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["ETag"] == f'"{version}"'
        assert response.json()["version"] == version


# ---- nulls, digits, other units ----------------------------------------------------------
@pytest.mark.parametrize("field", ["name", "district", "lead", "coverage"])
def test_null_in_a_station_patch_is_refused_naming_the_field(client, count_events, field):
    ids = small_registry(client)
    before = count_events("registry_events")
    refused = client.patch(f"/v1/stations/{ids['station']}", json={field: None})
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert count_events("registry_events") == before
    assert client.get(f"/v1/stations/{ids['station']}").json()["name"] == "南山一站"


@pytest.mark.parametrize("field", ["site_type", "safety_manager"])
def test_null_in_a_batch_update_is_refused(client, count_events, field):
    ids = small_registry(client)
    before = count_events("registry_events")
    other = {"site_type": "医院"} if field == "safety_manager" else {
        "safety_manager": {"name": "赵安全", "mobile": "13700137000"}}
    refused = client.post("/v1/lifts/batch-update", json={
        "unit_id": ids["unit"], "using_unit_code": "U-1", **other, field: None})
    assert refused.status_code == 422 and field in [e["field"] for e in
                                                    refused.json()["errors"]], refused.text
    assert count_events("registry_events") == before


ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in "4403000000000000009")


def test_codes_take_ascii_digits_only(client, count_events):
    ids = small_registry(client)
    before = count_events("registry_events")
    rescue = client.put(f"/v1/lifts/{code(5)}", json=lift_body(ids["unit"],
                                                                rescue_code="١٢٣٤٥٦"))
    assert rescue.status_code == 422 and "rescue_code" in rescue.text, rescue.text
    bind = client.post(f"/v1/stations/{ids['station']}/bind",
                       json={"registration_codes": [ARABIC_INDIC + "٩"]})
    assert bind.status_code == 422 and "registration_codes.0" in bind.text, bind.text
    page = client.get("/v1/lifts", params={"cursor": ARABIC_INDIC + "٩"})
    assert page.status_code == 422, page.text
    assert count_events("registry_events") == before


def test_another_units_lift_or_station_is_a_plain_404(client, token_for):
    mine, theirs = make_unit(client, "A"), make_unit(client, "B")
    my_station = make_station(client, mine)
    their_station = make_station(client, theirs, "B站")
    their_lift = make_lift(client, theirs, 9)
    a = token_for("unit", unit_id=mine)
    nobody_station, nobody_lift = "00000000-0000-4000-8000-000000000000", code(99)

    def same_404(request, theirs_id, nobody_id):
        seen, missing = request(theirs_id), request(nobody_id)
        assert seen.status_code == missing.status_code == 404, (seen.text, missing.text)
        assert seen.json() == {k: (v.replace(nobody_id, theirs_id) if isinstance(v, str) else v)
                               for k, v in missing.json().items()}
        assert theirs not in seen.text

    same_404(lambda s: client.get(f"/v1/stations/{s}", headers=a), their_station, nobody_station)
    same_404(lambda s: client.patch(f"/v1/stations/{s}", json={"name": "x"}, headers=a),
             their_station, nobody_station)
    same_404(lambda s: client.post(f"/v1/stations/{s}/workers", headers=a,
                                   json={"name": "x", "mobile": "13700000009"}),
             their_station, nobody_station)
    same_404(lambda c: client.get(f"/v1/lifts/{c}", headers=a), their_lift, nobody_lift)
    same_404(lambda c: client.post(f"/v1/stations/{my_station}/bind", headers=a,
                                   json={"registration_codes": [c]}), their_lift, nobody_lift)
    same_404(lambda c: client.post(f"/v1/stations/{my_station}/unbind", headers=a,
                                   json={"registration_codes": [c]}), their_lift, nobody_lift)
    same_404(lambda c: client.post("/v1/lifts/batch-update", headers=a, json={
        "unit_id": mine, "using_unit_code": "U-1", "site_type": "医院",
        "registration_codes": [c]}), their_lift, nobody_lift)
