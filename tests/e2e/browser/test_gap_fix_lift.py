"""A lift's data gaps fixed from the data-gaps page in Chromium (issue 15 item 8, QA): the row
opens the lift's forms in place, a refused save shows why there, a saved safety manager and
site type take the lift off both lists — without a reload."""

import pytest

from tests.e2e.browser.conftest import screenshot
from tests.e2e.browser.test_console import api
from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit


@pytest.mark.parametrize("role", ["unit", "admin"])
def test_fix_a_lifts_gaps_in_place(login, live_server, issue_token, role):
    base, _ = live_server
    admin = api(base, issue_token("admin"))
    unit = make_unit(admin, f"{role}补缺维保")
    make_station(admin, unit)
    lift = make_lift(admin, unit, 801)
    made = admin.post("/v1/safety-managers", json={"unit_id": unit, "name": "赵安全",
                                                   "mobile": "13700137000"})
    assert made.status_code == 201, made.text
    page = login(issue_token(role, unit if role == "unit" else None))
    page.goto(f"{base}/console/data-gaps")
    row = f"[data-testid=missing_safety_manager] li[data-gap-item='{lift}']"
    page.wait_for_selector(row)
    page.evaluate("window.notReloaded = true")
    page.click(f"{row} a")
    fix = "#gap-fix #lift-fix"
    page.wait_for_selector(f"{fix} [data-testid=manager-form]")
    page.click(f"{fix} [data-testid=set-manager]")  # nobody chosen: refused, said why
    page.wait_for_selector(f"{fix} [data-field=manager_id]")
    page.select_option(f"{fix} select[name=manager_id]", made.json()["id"])
    page.click(f"{fix} [data-testid=set-manager]")
    page.wait_for_selector(row, state="detached")
    page.wait_for_selector(f"{fix} p.notice")  # 已保存 (saved), in place
    site_row = f"[data-testid=missing_site_type] li[data-gap-item='{lift}']"
    page.click(f"{site_row} a")
    page.wait_for_selector(f"{fix} p.notice", state="detached")  # the form opened afresh
    page.select_option(f"{fix} select[name=site_type]", "住宅小区")
    page.click(f"{fix} [data-testid=save-lift]")
    page.wait_for_selector(site_row, state="detached")
    assert page.evaluate("window.notReloaded") is True  # both rows left without a reload
    assert page.url.endswith("/console/data-gaps")
    screenshot(page, f"gap-lift-fixed-{role}")
    lift_now = admin.get(f"/v1/lifts/{code(801)}").json()
    assert (lift_now["site_type"], lift_now["safety_manager"]["name"]) == ("住宅小区", "赵安全")
