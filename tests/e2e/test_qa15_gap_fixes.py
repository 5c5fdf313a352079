"""Issue 15 verified as a user would (QA): every data gap the register knows is on the gaps page
with a link that fixes it — a lift's forms open in place and can set its safety manager, a
manager without a mobile links to its register row — and renaming a manager in the console
keeps its mobile (and so the lifts' contact)."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit
from tests.e2e.test_console_unit_station_forms import console_as

HTMX = {"HX-Request": "true"}


def _gap_items(browser, key: str) -> list[str]:
    lists = browser.get("/console/data-gaps/lists").text
    section = lists.split(f'data-testid="{key}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'data-gap-item="([^"]+)"', section)


def test_lift_gaps_fixed_in_place_and_managers_without_mobile_listed(client, views,
                                                                     count_events):
    unit, other = make_unit(client), make_unit(client, name="别家维保")
    make_station(client, unit)
    make_lift(client, unit, 1)
    make_lift(client, other, 2)
    mine = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "赵安全",
                                                    "mobile": "13700137000"}).json()
    theirs = client.post("/v1/safety-managers", json={"unit_id": other, "name": "外人",
                                                      "mobile": "13700137001"}).json()
    silent = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "钱无号"})
    client.get("/v1/lifts", params={"after": silent.json()["notification_id"]})
    browser, csrf = console_as(client.app, "unit", unit)

    lists = browser.get("/console/data-gaps/lists").text
    assert _gap_items(browser, "safety_managers_without_mobile") == [silent.json()["id"]]
    assert f'href="/console/registry/safety-managers#manager-{silent.json()["id"]}"' in lists
    assert 'data-key="管理员缺手机 No mobile"' in lists
    assert _gap_items(browser, "missing_safety_manager") == [code(1)]
    row = lists.split(f'data-gap-item="{code(1)}"', 1)[1].split("</li>", 1)[0]
    assert 'hx-target="#gap-fix"' in row and 'hx-select="#lift-fix"' in row

    page = browser.get(f"/console/registry/lifts/{code(1)}", headers=HTMX).text
    fix = page.split('id="lift-fix"', 1)[1]
    assert f'action="/console/registry/lifts/{code(1)}/manager"' in fix
    assert mine["id"] in fix and theirs["id"] not in fix  # only the unit's own register
    events = count_events("registry_events")
    for refused in ({"manager_id": theirs["id"]}, {"manager_id": ""}):
        answer = browser.post(f"/console/registry/lifts/{code(1)}/manager", headers=HTMX,
                              data={**refused, "csrf_token": csrf})
        assert "HX-Trigger" not in answer.headers and 'role="alert"' in answer.text
    assert browser.post(f"/console/registry/lifts/{code(2)}/manager", headers=HTMX, data={
        "manager_id": mine["id"], "csrf_token": csrf}).status_code == 404
    auditor, audit_csrf = console_as(client.app, "auditor")
    assert "read-only role" in auditor.post(f"/console/registry/lifts/{code(1)}/manager",
                                            data={"manager_id": mine["id"],
                                                  "csrf_token": audit_csrf}).text
    assert count_events("registry_events") == events

    saved = browser.post(f"/console/registry/lifts/{code(1)}/manager", headers=HTMX,
                         data={"manager_id": mine["id"], "csrf_token": csrf})
    assert saved.status_code == 200 and "已保存" in saved.text.split('id="lift-fix"', 1)[1]
    assert "registry-saved" in json.loads(saved.headers["HX-Trigger"])
    assert _gap_items(browser, "missing_safety_manager") == []  # gone, no reload needed
    assert client.get(f"/v1/lifts/{code(1)}").json()["safety_manager"]["name"] == "赵安全"
    plain = browser.post(f"/console/registry/lifts/{code(1)}/service", follow_redirects=False,
                         data={"op": "out", "since": "2026-01-05", "csrf_token": csrf})
    assert plain.status_code == 303  # without htmx: back to the lift's page (PRG)


def test_renaming_a_manager_keeps_its_mobile_and_the_service_date_is_local(client, views):
    unit = make_unit(client)
    make_lift(client, unit, 1)
    manager = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "赵安全",
                                                       "mobile": "13700137000"}).json()
    assigned = client.post(f"/v1/safety-managers/{manager['id']}/assign",
                           json={"registration_codes": [code(1)]})
    client.get("/v1/lifts", params={"after": assigned.json()["notification_id"]})
    browser, csrf = console_as(client.app, "unit", unit)
    register = browser.get("/console/registry/safety-managers").text
    assert 'name="mobile" value="" placeholder' in register  # the row's box starts empty
    renamed = browser.post(f"/console/registry/safety-managers/{manager['id']}",
                           data={"name": "赵安全新", "mobile": "", "csrf_token": csrf})
    assert renamed.status_code == 200 and "已保存" in renamed.text
    after = client.get(f"/v1/safety-managers/{manager['id']}").json()
    assert (after["name"], after["mobile"]) == ("赵安全新", "13700137000")
    lift = client.get(f"/v1/lifts/{code(1)}").json()["safety_manager"]
    assert lift["name"] == "赵安全新" and lift["mobile"] == "13700137000"
    assert client.get("/v1/data-gaps").json()["safety_managers_without_mobile"] == []
    changed = browser.post(f"/console/registry/safety-managers/{manager['id']}",
                           data={"name": "赵安全新", "mobile": "13700137009",
                                 "csrf_token": csrf})
    assert changed.status_code == 200
    assert client.get(f"/v1/safety-managers/{manager['id']}").json()["mobile"] == "13700137009"

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    page = browser.get(f"/console/registry/lifts/{code(1)}").text
    assert re.search(r'name="since" value="([^"]+)"', page).group(1) == today


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_a_form_opened_before_someone_else_saved_is_refused_then_saved(client, views,
                                                                      count_events):
    unit = make_unit(client)
    station = make_station(client, unit)
    make_lift(client, unit, 1)
    browser, csrf = console_as(client.app, "unit", unit)
    forms = {  # path of the form → (what the form posts, the API change someone else makes)
        f"/console/registry/units/{unit}": (
            "rescue-info", {"address": "我改的地址"},
            lambda: client.put(f"/v1/units/{unit}/rescue-info", json={"address": "他改的"})),
        f"/console/registry/stations/{station}": (
            "", {"name": "我改的站", "district": "南山区", "districts": ["南山区"],
                 "lead_name": "刘站长", "lead_mobile": "13900139000"},
            lambda: client.patch(f"/v1/stations/{station}", json={"name": "他改的站"})),
        f"/console/registry/lifts/{code(1)}": (
            "", {"using_unit_code": "U-1", "using_unit_name": "物业U-1",
                 "address": "海德三道 88 号", "district": "南山区", "site_type": "医院"},
            lambda: client.put(f"/v1/lifts/{code(1)}", json={
                "unit_id": unit, "using_unit": {"code": "U-1", "name": "物业U-1"},
                "address": "海德三道 88 号", "district": "南山区", "site_type": "商场超市"})),
    }
    for path, (action, form, meanwhile) in forms.items():
        opened = browser.get(path if "lifts" in path else f"{path}/edit", headers=HTMX).text
        seen = _version(opened)
        assert meanwhile().status_code == 200
        events = count_events("registry_events")
        post = f"{path}/{action}" if action else path
        stale = browser.post(post, headers=HTMX, data={**form, "version": seen,
                                                       "csrf_token": csrf})
        assert stale.status_code == 200 and "已被他人修改" in stale.text, path
        assert count_events("registry_events") == events  # their change stands
        assert int(_version(stale.text)) == int(seen) + 1
        again = browser.post(post, headers=HTMX, data={**form, "version": _version(stale.text),
                                                       "csrf_token": csrf})
        assert "registry-saved" in again.headers.get("HX-Trigger", ""), path
    assert client.get(f"/v1/units/{unit}").json()["address"] == "我改的地址"
    assert client.get(f"/v1/stations/{station}").json()["name"] == "我改的站"
    assert client.get(f"/v1/lifts/{code(1)}").json()["site_type"] == "医院"


def test_a_refused_register_row_says_why_in_that_row(client, views, count_events):
    unit = make_unit(client)
    make_lift(client, unit, 1)
    made = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "赵安全",
                                                    "mobile": "13700137000"})
    client.get("/v1/lifts", params={"after": made.json()["notification_id"]})
    row_id = f'id="manager-{made.json()["id"]}"'
    browser, csrf = console_as(client.app, "unit", unit)
    events = count_events("registry_events")
    for path, form, field in (
            ("", {"name": "赵安全改", "mobile": "123"}, "mobile"),
            ("/assign", {"using_unit": "没有这个使用单位"}, "using_unit")):
        page = browser.post(f"/console/registry/safety-managers/{made.json()['id']}{path}",
                            data={**form, "csrf_token": csrf}).text
        row = page.split(row_id, 1)[1].split("</tr>", 1)[0]
        assert f'data-field="{field}"' in row, path  # beside the input that was typed in
        entering = page.split('data-testid="manager-form"', 1)[1]
        assert "data-field=" not in entering and 'value="赵安全改"' not in entering
        assert 'name="name" value=""' in entering  # a new manager's form stays empty
    assert 'value="赵安全改"' in browser.post(
        f"/console/registry/safety-managers/{made.json()['id']}",
        data={"name": "赵安全改", "mobile": "123", "csrf_token": csrf}).text.split(
        row_id, 1)[1].split("</tr>", 1)[0]  # what was typed stays in the row
    assert count_events("registry_events") == events


def test_a_refused_lift_search_says_why_and_lists_nothing(client, views):
    unit = make_unit(client)
    make_lift(client, unit, 1)
    browser, _ = console_as(client.app, "unit", unit)
    assert code(1) in browser.get("/console/registry/lifts", params={"q": "海德"}).text
    for field, value in (("q", "海" * 101), ("using_unit", "物" * 201)):
        page = browser.get("/console/registry/lifts", params={field: value}).text
        assert f'data-field="{field}"' in page, field  # the reason, beside the box
        assert code(1) not in page, field  # not every lift as if it matched


def test_a_saved_register_change_redirects_so_a_reload_enters_nothing_twice(client, views,
                                                                           count_events):
    unit = make_unit(client)
    browser, csrf = console_as(client.app, "unit", unit)
    entered = browser.post("/console/registry/safety-managers", follow_redirects=False,
                           data={"name": "孙安全", "mobile": "13700137005", "csrf_token": csrf})
    assert entered.status_code == 303, entered.text
    events = count_events("registry_events")
    shown = browser.get(entered.headers["location"])  # what a reload repeats: a GET
    assert "已登记 (entered)" in shown.text and shown.text.count('data-manager="孙安全"') == 1
    assert count_events("registry_events") == events
    assert "已登记" not in browser.get("/console/registry/safety-managers",
                                    params={"done": "<b>x</b>"}).text  # only known notices
