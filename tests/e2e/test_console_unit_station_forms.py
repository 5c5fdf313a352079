"""Console rescue-info and station forms (issue 15): the unit itself and admins save, reasons
shown beside the field, nothing stored when refused, other units' records 404, auditors 403."""

from fastapi.testclient import TestClient

from tests.e2e.registry_helpers import LEAD, make_station, make_unit
from tests.e2e.test_console_csrf import TOKEN_FIELD, login_token

CODE = "91350100M000100Y43"
FORM_POST = '<form method="post" action="/console/registry/'


def console_as(app, role: str, unit_id: str | None = None) -> tuple[TestClient, str]:
    """A logged-in console session (of `unit_id` for unit users) and its CSRF token."""
    browser = TestClient(app)
    token = app.state.services.tokens.create(role=role, name=f"form-{role}", unit_id=unit_id)[0]
    done = browser.post("/console/login", follow_redirects=False,
                        data={"token": token, "csrf_token": login_token(browser)})
    assert done.status_code == 303, done.text
    return browser, TOKEN_FIELD.search(browser.get("/console/alarm").text).group(1)


def test_rescue_info_form_own_unit_other_unit_and_auditor(client, count_events):
    mine, other = make_unit(client, "本单位"), make_unit(client, "别单位")
    browser, csrf = console_as(client.app, "unit", mine)
    shown = browser.get(f"/console/registry/units/{mine}/edit").text
    assert f'value="{LEAD["mobile"]}"' in shown and f'value="{LEAD["name"]}"' in shown
    before = count_events("registry_events")
    bad = browser.post(f"/console/registry/units/{mine}/rescue-info", data={
        "code": CODE[:-1] + "4", "duty_phone": "12345", "csrf_token": csrf})
    assert bad.status_code == 200 and 'data-error-for="code"' in bad.text
    assert "校验位" in bad.text and 'value="12345"' in bad.text  # what was typed stays
    assert count_events("registry_events") == before
    saved = browser.post(f"/console/registry/units/{mine}/rescue-info", follow_redirects=False,
                         data={"code": CODE, "address": "科技园 1 号",
                               "duty_phone": "0755-88888888", "lead_name": "新经理",
                               "lead_mobile": "13800138555", "csrf_token": csrf})
    assert saved.status_code == 303
    again = browser.get(f"/console/registry/units/{mine}/edit").text
    for value in (CODE, "科技园 1 号", "0755-88888888", "新经理", "13800138555"):
        assert f'value="{value}"' in again
    htmx = browser.post(f"/console/registry/units/{mine}/rescue-info",
                        headers={"HX-Request": "true"},
                        data={"address": "科技园 2 号", "csrf_token": csrf})
    assert htmx.status_code == 200 and "registry-saved" in htmx.headers["HX-Trigger"]
    assert "<html" not in htmx.text and 'value="科技园 2 号"' in htmx.text

    before = count_events("registry_events")
    stranger = browser.post(f"/console/registry/units/{other}/rescue-info",
                            data={"code": CODE, "csrf_token": csrf})
    assert stranger.status_code == 404 and "别单位" not in stranger.text
    assert browser.get(f"/console/registry/units/{other}/edit").status_code == 404
    auditor, audit_csrf = console_as(client.app, "auditor")
    looked = auditor.get(f"/console/registry/units/{mine}/edit")
    assert looked.status_code == 403 and FORM_POST not in looked.text
    assert "13800138555" not in looked.text
    refused = auditor.post(f"/console/registry/units/{mine}/rescue-info",
                           data={"code": CODE, "csrf_token": audit_csrf})
    assert refused.status_code == 403 and "read-only role" in refused.text
    assert count_events("registry_events") == before
    assert client.app.state.services.registry.unit(other).code is None


def test_station_forms_create_edit_and_refuse(client, count_events, views):
    mine, other = make_unit(client, "甲单位"), make_unit(client, "乙单位")
    theirs = make_station(client, other, "乙站")
    browser, csrf = console_as(client.app, "unit", mine)
    station = {"name": "甲一站", "district": "南山区", "districts": ["南山区", "福田区"],
               "streets": "粤海街道", "lead_name": "刘站长", "lead_mobile": "13900139000",
               "worker_name": ["王工", "李工", ""], "worker_mobile": ["13700137001", "137", ""],
               "worker_note": ["夜班", "", ""], "unit_id": other, "csrf_token": csrf}
    before = count_events("registry_events")
    bad = browser.post("/console/registry/stations", data=station)
    assert bad.status_code == 200
    assert 'data-error-for="workers.1.mobile"' in bad.text and "手机号" in bad.text
    station["worker_mobile"][1] = "13700137002"
    bad = browser.post("/console/registry/stations", data=station)
    assert 'data-error-for="streets"' in bad.text and "街道" in bad.text  # 2 districts + streets
    assert count_events("registry_events") == before
    station["districts"] = ["南山区"]
    made = browser.post("/console/registry/stations", data=station, follow_redirects=False)
    assert made.status_code == 303, made.text
    registry = client.app.state.services.registry
    listed = browser.get("/console/registry/stations").text
    assert "甲一站" in listed and "乙站" not in listed  # unit_id forced to the unit's own
    created = registry.station(registry_ids(client, mine)[0])
    assert sorted(w["name"] for w in created.workers.values()) == ["李工", "王工"]

    edit = {"name": "甲一站改", "district": "福田区", "districts": ["福田区", "罗湖区"],
            "streets": "", "lead_name": "刘站长", "lead_mobile": "13900139000",
            "worker_name": ["赵工"], "worker_mobile": ["13700137003"], "worker_note": [""],
            "csrf_token": csrf}
    too_many = browser.post(f"/console/registry/stations/{created.id}", data={
        **edit, "districts": ["福田区", "罗湖区", "南山区", "宝安区"]})
    assert 'data-error-for="districts"' in too_many.text
    bad_worker = browser.post(f"/console/registry/stations/{created.id}", data={
        **edit, "worker_mobile": ["1370013700"]})
    assert 'data-error-for="workers.0.mobile"' in bad_worker.text
    assert registry.station(str(created.id)).name == "甲一站"  # nothing half-saved
    done = browser.post(f"/console/registry/stations/{created.id}", data=edit,
                        follow_redirects=False)
    assert done.status_code == 303
    changed = registry.station(str(created.id))
    assert (changed.name, changed.coverage["districts"], len(changed.workers)) == (
        "甲一站改", ["福田区", "罗湖区"], 3)
    assert f'value="{edit["name"]}"' in browser.get(
        f"/console/registry/stations/{created.id}/edit").text

    before = count_events("registry_events")
    assert browser.post(f"/console/registry/stations/{theirs}", data=edit).status_code == 404
    assert browser.get(f"/console/registry/stations/{theirs}/edit").status_code == 404
    auditor, audit_csrf = console_as(client.app, "auditor")
    assert auditor.post("/console/registry/stations", data={
        **station, "csrf_token": audit_csrf}).status_code == 403
    assert FORM_POST not in auditor.get("/console/registry/stations/new").text
    assert count_events("registry_events") == before
    assert registry.station(theirs).name == "乙站"


def registry_ids(client, unit_id: str) -> list[str]:
    items = client.get("/v1/stations", params={"unit_id": unit_id}).json()["items"]
    return [s["station_id"] for s in items]


def test_pages_show_phones_to_callers_masked_to_auditors(client, views):
    unit = make_unit(client, "电话单位")
    client.put(f"/v1/units/{unit}/rescue-info", json={"duty_phone": "0755-88888888"})
    make_station(client, unit, "福田站", districts=("福田区",))
    nid = client.post(f"/v1/stations/{make_station(client, unit, '南山站')}/workers", json={
        "name": "夜工", "mobile": "13700137999"}).json()["notification_id"]
    assert client.get("/v1/stations", params={"after": nid}).status_code == 200
    for role, unit_id in (("operator", None), ("unit", unit)):
        browser, _ = console_as(client.app, role, unit_id)
        stations = browser.get("/console/registry/stations").text
        assert 'href="tel:13700137999"' in stations
        units = browser.get("/console/registry/units").text
        assert f'href="tel:{LEAD["mobile"]}"' in units and 'href="tel:075588888888"' in units
        assert "待补 统一社会信用代码、地址" in units  # the lead and duty phone are given
    filtered = browser.get("/console/registry/stations", params={"district": "福田区"}).text
    assert "福田站" in filtered and "南山站" not in filtered
    auditor, _ = console_as(client.app, "auditor")
    for page in ("stations", "units"):
        text = auditor.get(f"/console/registry/{page}").text
        assert 'href="tel:' not in text and "13700137999" not in text
        assert LEAD["mobile"] not in text and "0755-88888888" not in text
    assert "137****7999" in auditor.get("/console/registry/stations").text


def test_worker_forms_refuse_other_units_and_auditors(client, count_events, views):
    mine, other = make_unit(client, "丙单位"), make_unit(client, "丁单位")
    ours = make_station(client, mine, "丙站", workers=2)
    theirs = make_station(client, other, "丁站")
    registry = client.app.state.services.registry
    their_worker = next(iter(registry.station(theirs).workers))
    browser, csrf = console_as(client.app, "unit", mine)
    before = count_events("registry_events")
    worker = {"name": "外人", "mobile": "13700137555", "csrf_token": csrf}
    assert browser.post(f"/console/registry/stations/{theirs}/workers",
                        data=worker).status_code == 404
    assert browser.post(f"/console/registry/stations/{theirs}/workers/{their_worker}/remove",
                        data={"csrf_token": csrf}).status_code == 404
    auditor, audit_csrf = console_as(client.app, "auditor")
    assert auditor.post(f"/console/registry/stations/{ours}/workers",
                        data={**worker, "csrf_token": audit_csrf}).status_code == 403
    assert count_events("registry_events") == before
    assert browser.post(f"/console/registry/stations/{ours}/workers", data=worker,
                        follow_redirects=False).status_code == 303
    assert "外人" in [w["name"] for w in registry.station(ours).workers.values()]
    assert "外人" not in [w["name"] for w in registry.station(theirs).workers.values()]
