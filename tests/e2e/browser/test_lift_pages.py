"""Lift pages in Chromium (issue 15 items 4-7): search, edit (an address change refused
without the tick, saved with it), out of service and back, a safety manager entered and
assigned by using unit, bulk site type (a mixed selection refused), as a unit user and as an
admin; an auditor reads (masked mobile) but cannot change."""

from datetime import date, timedelta

from tests.e2e.browser.conftest import screenshot
from tests.e2e.browser.test_console import api
from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit

LIFTS = "/console/registry/lifts"


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def _edit_address(page, base, n):
    page.goto(f"{base}{LIFTS}/{code(n)}")
    page.fill("input[name=address]", f"新地址 {n} 号")
    page.click("[data-testid=save-lift]")
    page.wait_for_selector("[data-field=address_confirmed]")
    assert "修改地址须勾选确认" in page.inner_text("[data-field=address_confirmed]")
    page.check("[data-testid=address-confirmed]")
    page.click("[data-testid=save-lift]")
    page.wait_for_selector("p.notice")
    assert page.input_value("input[name=address]") == f"新地址 {n} 号"


def _out_and_back(page, base, n):
    page.goto(f"{base}{LIFTS}/{code(n)}")
    page.fill("input[name=since]", days_ago(20))
    page.click("[data-testid=take-out]")
    page.wait_for_selector("[data-testid=bring-back]")
    assert "停用" in page.inner_text("[data-testid=service-state]")
    page.goto(f"{base}{LIFTS}?in_service=no")
    assert page.locator("[data-testid=lifts] tbody tr[data-lift]").evaluate_all(
        "rows => rows.map(r => r.dataset.lift)") == [code(n)]
    page.goto(f"{base}{LIFTS}/{code(n)}")
    page.fill("input[name=since]", days_ago(50))  # before it went out: refused
    page.click("[data-testid=bring-back]")
    page.wait_for_selector("[data-field=since]")
    page.fill("input[name=since]", days_ago(19))
    page.click("[data-testid=bring-back]")
    page.wait_for_selector("[data-testid=take-out]")


def _other_units_lift_refused(page, base, admin_api):
    """Every lift form, posted by a unit user for another unit's lift: refused, unchanged."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    manager = admin_api.get("/v1/safety-managers").json()["items"][0]["manager_id"]
    theirs = code(704)
    for path, form in [
            (f"{LIFTS}/{theirs}", {"address": "偷改", "address_confirmed": "on",
                                   "using_unit_code": "U-9", "using_unit_name": "x",
                                   "district": "南山区"}),
            (f"{LIFTS}/{theirs}/service", {"op": "out", "since": days_ago(1)}),
            (f"{LIFTS}/site-type", {"codes": theirs, "site_type": "医院"}),
            (f"{LIFTS}/assign-manager", {"codes": theirs, "manager_id": manager})]:
        answer = page.request.post(f"{base}{path}", form={"csrf_token": token, **form})
        assert "未找到" in answer.text(), path
    lift = admin_api.get(f"/v1/lifts/{theirs}").json()
    assert (lift["address"], lift["in_service"], lift["site_type"], lift["safety_manager"]) \
        == ("海德三道 88 号", True, None, None)


def _bulk_site_type(page, base, same, other):
    """A selection mixing using units is refused with the reason and saves nothing; lifts of
    one using unit are set."""
    page.goto(f"{base}{LIFTS}")
    for n in (same[0], other):
        page.check(f"input[name=codes][value='{code(n)}']")
    page.select_option("select[name=site_type]", "住宅小区")
    page.click("[data-testid=bulk-site-type]")
    page.wait_for_selector("p.error")
    assert "不同的使用单位" in page.inner_text("p.error")
    assert page.inner_text(f"tr[data-lift='{code(same[0])}'] .site-type").startswith("未填")
    for n in same:
        page.check(f"input[name=codes][value='{code(n)}']")
    page.select_option("select[name=site_type]", "住宅小区")
    page.click("[data-testid=bulk-site-type]")
    page.wait_for_selector("p.notice")
    for n in same:
        assert page.inner_text(f"tr[data-lift='{code(n)}'] .site-type").startswith("住宅小区")
    assert page.inner_text(f"tr[data-lift='{code(other)}'] .site-type").startswith("未填")


def _bind_and_unbind(page, base, station, station_name, pair):
    """Ticked lifts bound to a station (the cell names it), then one of them unbound."""
    page.goto(f"{base}{LIFTS}")
    for n in pair:
        page.check(f"input[name=codes][value='{code(n)}']")
    page.select_option("[data-testid=binding] select[name=station_id]", station)
    page.click("button[name=op][value=bind]")
    page.wait_for_selector("p.notice")
    for n in pair:
        assert page.inner_text(f"tr[data-lift='{code(n)}'] .station-cell") == station_name
    page.check(f"input[name=codes][value='{code(pair[1])}']")
    page.select_option("[data-testid=binding] select[name=station_id]", station)
    page.click("button[name=op][value=unbind]")
    page.wait_for_selector("p.notice")
    assert page.inner_text(f"tr[data-lift='{code(pair[0])}'] .station-cell") == station_name
    assert "未绑定" in page.inner_text(f"tr[data-lift='{code(pair[1])}'] .station-cell")


def _enter_and_assign(page, base, name, mobile, using_unit, count, unit_label=None):
    """The register: a bad mobile is refused beside the field; then entered and assigned to
    every lift of a using unit named in full."""
    page.goto(f"{base}/console/registry/safety-managers")
    form, assign = "[data-testid=manager-form]", f"tr[data-manager='{name}'] form[data-testid]"
    steps = [({f"{form} input[name=name]": name, f"{form} input[name=mobile]": "12345"},
              "[data-testid=enter-manager]", "[data-field=mobile]"),
             ({f"{form} input[name=mobile]": mobile}, "[data-testid=enter-manager]",
              f"tr[data-manager='{name}']"),
             ({f"{assign} input[name=using_unit]": using_unit}, f"{assign} button", "p.notice")]
    for fields, button, shown in steps:
        if unit_label and button.endswith("enter-manager]"):
            page.select_option(f"{form} select[name=unit_id]", label=unit_label)
        for selector, value in fields.items():
            page.fill(selector, value)
        page.click(button)
        page.wait_for_selector(shown)
    assert page.inner_text(f"tr[data-manager='{name}'] .lift-count") == str(count)


def test_unit_user_and_admin_keep_lifts_auditor_reads(login, live_server, issue_token):
    base, _ = live_server
    admin_api = api(base, issue_token("admin"))
    unit = make_unit(admin_api, "华南电梯维保")
    other = make_unit(admin_api, "别家维保")
    for n in (1, 2):
        make_lift(admin_api, unit, 700 + n, using="U-1")
    make_lift(admin_api, unit, 703, using="U-2")
    for n, using in ((704, "U-9"), (705, "U-9"), (706, "U-8")):
        make_lift(admin_api, other, n, using=using)
    ours = make_station(admin_api, unit, name="华南一站", workers=0)
    theirs = make_station(admin_api, other, name="别家一站", workers=0)

    page = login(issue_token("unit", unit))
    page.goto(f"{base}{LIFTS}?using_unit=物业U-1")
    rows = page.locator("[data-testid=lifts] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.lift)")
    assert rows == [code(701), code(702)]
    page.goto(f"{base}{LIFTS}")
    assert page.locator(f"tr[data-lift='{code(704)}']").count() == 0  # not their lift
    _edit_address(page, base, 701)
    _out_and_back(page, base, 701)
    page.goto(f"{base}{LIFTS}/{code(704)}")
    assert "未找到" in page.content()

    _bulk_site_type(page, base, (701, 702), 703)
    _bind_and_unbind(page, base, ours, "华南一站", (701, 702))
    assert page.locator(f"option[value='{theirs}']").count() == 0
    _enter_and_assign(page, base, "赵安全", "13700137000", "物业U-1", 2)
    page.goto(f"{base}{LIFTS}")
    assert page.get_attribute(f"tr[data-lift='{code(701)}'] [data-testid=manager-tel]",
                              "href") == "tel:13700137000"
    screenshot(page, "lifts-unit-user")

    _other_units_lift_refused(page, base, admin_api)

    admin = login(issue_token("admin"))
    _edit_address(admin, base, 704)
    _out_and_back(admin, base, 704)
    _bulk_site_type(admin, base, (704, 705), 706)
    _bind_and_unbind(admin, base, theirs, "别家一站", (704, 705))
    _enter_and_assign(admin, base, "孙安全", "13600136000", "物业U-9", 2, unit_label="别家维保")

    auditor = login(issue_token("auditor"))
    auditor.goto(f"{base}{LIFTS}")
    assert auditor.inner_text(f"tr[data-lift='{code(701)}'] [data-testid=manager-masked]") \
        == "137****7000"
    assert auditor.locator("[data-testid=manager-tel]").count() == 0
    assert auditor.locator("[data-testid=bulk-site-type]").count() == 0
    auditor.goto(f"{base}{LIFTS}/{code(701)}")
    assert auditor.locator("[data-testid=save-lift]").count() == 0
    assert auditor.locator("[data-testid=take-out]").count() == 0
    token = auditor.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = auditor.request.post(f"{base}{LIFTS}/{code(701)}/service",
                                   form={"csrf_token": token, "op": "out",
                                         "since": days_ago(1)})
    assert "无权修改" in refused.text()
    assert admin_api.get(f"/v1/lifts/{code(701)}").json()["in_service"] is True
