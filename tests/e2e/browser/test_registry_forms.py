"""Registry upkeep in Chromium (issue 15): a unit user and an admin fill in rescue info (shown
again after a reload), create a station with workers, edit it, and fix a data gap from the gaps
page (the row leaves without a reload); an auditor reads the pages but gets no form and a
refused POST."""

import pytest

from tests.e2e.browser.conftest import screenshot
from tests.e2e.browser.test_console import api
from tests.e2e.registry_helpers import make_unit

CODE = "914403001922038216"


def fill_rescue_info(page, base: str, unit: str) -> None:
    page.goto(f"{base}/console/registry/units")
    page.click(f"tr[data-unit='{unit}'] [data-testid=edit-unit]")
    page.fill("#unit-form input[name=code]", CODE[:-1] + "7")  # wrong check character
    page.click("#unit-form button")
    page.wait_for_selector("#unit-form [data-error-for=code]")
    assert "校验位" in page.inner_text("#unit-form [data-error-for=code]")
    page.fill("#unit-form input[name=code]", CODE)
    page.fill("#unit-form input[name=address]", "南山区科技园 8 号")
    page.fill("#unit-form input[name=duty_phone]", "0755-86668888")
    page.fill("#unit-form input[name=lead_mobile]", "13800138777")
    page.click("#unit-form button")
    page.wait_for_selector("#unit-form [role=status]")
    page.reload()
    for name, value in (("code", CODE), ("address", "南山区科技园 8 号"),
                        ("duty_phone", "0755-86668888"), ("lead_mobile", "13800138777")):
        assert page.input_value(f"#unit-form input[name={name}]") == value
    page.goto(f"{base}/console/registry/units")
    row = f"tr[data-unit='{unit}']"
    page.wait_for_selector(f"{row} a[href='tel:13800138777']")
    assert page.locator(f"{row} a[href='tel:075586668888']").count() == 1
    screenshot(page, f"registry-units-{unit[:8]}")


def fix_gap_with_a_station(page, base: str, unit: str, name: str) -> None:
    page.goto(f"{base}/console/data-gaps")
    page.wait_for_selector("[data-testid=gap-chart] svg g[data-key]")
    row = f"[data-testid=units_without_station] li[data-gap-item='{unit}']"
    page.wait_for_selector(row)
    page.evaluate("window.notReloaded = true")
    page.click(f"{row} a")
    form = "#gap-fix #station-form"
    page.wait_for_selector(form)
    page.fill(f"{form} input[name=name]", name)
    page.select_option(f"{form} select[name=district]", "南山区")
    page.check(f"{form} input[name=districts][value='南山区']")
    page.fill(f"{form} input[name=lead_name]", "刘站长")
    page.fill(f"{form} input[name=lead_mobile]", "13900139000")
    page.locator(f"{form} input[name=worker_name]").nth(0).fill("王工")
    page.locator(f"{form} input[name=worker_mobile]").nth(0).fill("13700137001")
    page.locator(f"{form} input[name=worker_name]").nth(1).fill("李工")
    page.locator(f"{form} input[name=worker_mobile]").nth(1).fill("13700137002")
    page.click(f"{form} button")
    page.wait_for_selector(row, state="detached")
    assert page.evaluate("window.notReloaded") is True  # the row left without a reload
    screenshot(page, f"gap-fixed-{name}")


def edit_station(page, base: str, name: str) -> None:
    page.goto(f"{base}/console/registry/stations")
    section = f"section.station:has(h2:has-text('{name}'))"
    assert "tel:13700137001" in page.inner_html(section)
    page.click(f"{section} [data-testid=edit-station]")
    page.fill("#station-form input[name=name]", f"{name}改")
    page.check("#station-form input[name=districts][value='福田区']")
    page.fill("#station-form input[name=streets]", "粤海街道")  # two districts + streets
    page.click("#station-form button")
    page.wait_for_selector("#station-form [data-error-for=streets]")
    page.fill("#station-form input[name=streets]", "")
    page.click("#station-form button")
    page.wait_for_selector("#station-form [role=status]")
    page.goto(f"{base}/console/registry/stations?district=福田区")
    assert f"{name}改" in page.inner_text("main")


@pytest.mark.parametrize("role", ["unit", "admin"])
def test_keeping_the_registry_in_the_console(login, live_server, issue_token, role):
    base, app = live_server
    admin = api(base, issue_token("admin"))
    unit = make_unit(admin, f"{role}维保")
    page = login(issue_token(role, unit if role == "unit" else None))
    fill_rescue_info(page, base, unit)
    fix_gap_with_a_station(page, base, unit, f"{role}一站")
    edit_station(page, base, f"{role}一站")
    recorded = app.state.services.registry.unit(unit)
    assert (recorded.code, recorded.duty_phone) == (CODE, "0755-86668888")


def test_auditor_reads_but_cannot_change(login, live_server, issue_token):
    base, app = live_server
    admin = api(base, issue_token("admin"))
    unit = make_unit(admin, "审计看维保")
    page = login(issue_token("auditor"))
    for path in ("registry/units", "registry/stations", "data-gaps"):
        page.goto(f"{base}/console/{path}")
        page.wait_for_load_state("networkidle")
        assert path == "registry/stations" or "审计看维保" in page.inner_text("main")
        assert page.locator("form[method=post][action^='/console/registry/']").count() == 0
        assert page.locator("[data-testid^=edit-], [data-testid=new-station]").count() == 0
    csrf = page.get_attribute("input[name=csrf_token]", "value")
    refused = page.request.post(f"{base}/console/registry/units/{unit}/rescue-info",
                                form={"code": CODE, "csrf_token": csrf},
                                headers={"Origin": base})
    assert refused.status == 403
    assert app.state.services.registry.unit(unit).code is None
