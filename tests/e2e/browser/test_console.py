"""The console in Chromium: the live board, the overtime list, unit isolation, every page."""

import re
from datetime import UTC, datetime, timedelta

import httpx

from tests.e2e.browser.conftest import assign_arrive_release, screenshot
from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit


def api(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def ago(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def alarm(client: httpx.Client, lift: str, ref: str, received_minutes_ago: float = 0) -> str:
    response = client.post("/v1/alarms", json={
        "lift": lift, "source": "phone", "source_ref": ref, "trapped_count": 2,
        "received_at": ago(received_minutes_ago), "dispatch": "external"})
    assert response.status_code == 201, response.text
    return response.json()["ticket_id"]


def row(ticket_id: str) -> str:
    return f"#board-rows tr[data-ticket='{ticket_id}']"


def test_alarm_appears_live_is_released_with_the_mouse_and_lands_on_overtime(
        login, live_server, issue_token):
    base, _ = live_server
    token = issue_token("operator", name="desk-7")
    ops = api(base, token)
    page = login(token)
    assert page.url.endswith("/console/board")
    page.evaluate("window.__sameDocument = true")

    late = alarm(ops, "44030000000000054321", "board-late", received_minutes_ago=45)
    soon = alarm(ops, "44030000000000054322", "board-amber", received_minutes_ago=26)
    page.wait_for_selector(row(late), timeout=15_000)
    assert "待通知" in page.inner_text(f"{row(late)} td.elapsed")

    # The station was notified 40 and 25 minutes ago (the call centre's own times).
    for ticket_id, minutes in ((late, 40), (soon, 25)):
        notified = ops.post(f"/v1/tickets/{ticket_id}/notify", json={"at": ago(minutes)})
        assert notified.status_code == 200, notified.text
    page.wait_for_selector(f"{row(late)}.red", timeout=15_000)
    page.wait_for_selector(f"{row(soon)}.amber", timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True, "the board reloaded"
    assert re.fullmatch(r"4\d:\d\d", page.inner_text(f"{row(late)} td.elapsed"))
    screenshot(page, "board")

    page.click(f"{row(late)} a")
    page.wait_for_selector("[data-testid=status]:has-text('已通知')")
    assign_arrive_release(page)
    page.select_option("form[data-action=fault_report] select[name=cause]", "3/302")
    page.fill("form[data-action=fault_report] input[name=description]", "层门门锁故障")
    page.click("form[data-action=fault_report] button")
    page.wait_for_selector("[data-testid=timeline] :text('故障分析报告')")
    report = ops.get(f"/v1/tickets/{late}").json()["fault_report"]
    assert (report["root"], report["sub"]) == ("3", "302")

    page.click("nav a[href='/console/board']")
    page.wait_for_selector(row(soon))
    assert page.locator(row(late)).count() == 0, "a released ticket left the board"

    page.click("nav a[href='/console/overtime']")
    listed = page.locator(f"[data-testid=overtime] tr[data-ticket='{late}']")
    assert listed.count() == 1
    minutes = float(listed.locator("td").nth(5).inner_text())
    assert 40 <= minutes < 45
    assert page.locator(f"[data-testid=overtime] tr[data-ticket='{soon}']").count() == 0
    screenshot(page, "overtime")


def test_unit_user_sees_only_its_own_unit(login, live_server, issue_token):
    base, _ = live_server
    admin = api(base, issue_token("admin"))
    ours, theirs = make_unit(admin, "安达维保"), make_unit(admin, "鹏城电梯")
    station = make_station(admin, ours, "安达南山站")
    make_lift(admin, ours, 701)
    make_lift(admin, theirs, 702)
    assert admin.post(f"/v1/stations/{station}/bind",
                      json={"registration_codes": [code(701)]}).status_code == 200
    ops = api(base, issue_token("operator"))
    mine, other = alarm(ops, code(701), "iso-1"), alarm(ops, code(702), "iso-2")

    page = login(issue_token("unit", unit_id=ours, name="anda"))
    page.wait_for_selector(row(mine), timeout=15_000)
    other_alarm_later = alarm(ops, code(702), "iso-3")
    late_mine = alarm(ops, code(701), "iso-4")
    page.wait_for_selector(row(late_mine), timeout=15_000)  # the board moved on, live
    for hidden in (other, other_alarm_later):
        assert page.locator(row(hidden)).count() == 0
    assert "鹏城" not in page.inner_text("main")
    screenshot(page, "board-unit")

    response = page.goto(f"{base}/console/tickets/{other}")
    assert response.status == 404 and page.locator("[data-testid=not-found]").count() == 1
    response = page.goto(f"{base}/console/tickets/{other}/history")
    assert response.status == 404
    page.goto(f"{base}/console/stats?group_by=unit")
    chart = page.locator("[data-testid=counts-chart] g[data-key]")
    assert chart.count() == 1 and chart.get_attribute("data-key") == "安达维保"
    assert chart.get_attribute("data-value") == "2"
    page.goto(f"{base}/console/registry/lifts")
    assert page.locator("[data-testid=lifts] tr[data-lift]").count() == 1
    assert page.locator(f"tr[data-lift='{code(702)}']").count() == 0
    page.goto(f"{base}/console/registry/units")
    assert page.locator("[data-testid=units] tr[data-unit]").count() == 1

    # The other unit sees their tickets and never ours.
    page = login(issue_token("unit", unit_id=theirs, name="pengcheng"))
    page.wait_for_selector(row(other), timeout=15_000)
    assert page.locator(row(mine)).count() == 0


def test_every_page_with_demo_data_and_multi_select_binding(login, live_server, issue_token):
    from adapters.cli import demo

    base, app = live_server
    made = demo.seed(app.state.services)
    assert made is not None and demo.seed(app.state.services) is None  # seeds once
    page = login(issue_token("admin", name="demo-admin"))
    page.wait_for_selector("#board-rows tr.red", timeout=15_000)
    page.wait_for_selector("#board-rows tr.amber")
    assert page.locator("#board-rows tr[data-ticket]").count() == 5  # DEMO-3,4,5,7,8
    screenshot(page, "demo-board")

    page.click("#board-rows tr.red a")
    page.wait_for_selector("[data-testid=timeline]")
    screenshot(page, "demo-ticket")
    page.click("text=审计历史 Audit history")
    page.wait_for_selector("[data-testid=events]")
    screenshot(page, "demo-history")

    page.goto(f"{base}/console/overtime")
    # DEMO-2 arrived late; DEMO-3 is open, notified 40 min ago with nobody on site; the 30 days
    # of history add their late and never-arrived tickets.
    late, never = made["history"]["late"] + 1, made["history"]["never_arrived"]
    assert late >= 2 and never >= 1
    assert page.locator("[data-testid=overtime] tr[data-ticket]").count() == late + never + 1
    assert page.locator("[data-testid=overtime] tr[data-reason=late]").count() == late
    assert page.locator("[data-testid=overtime] tr[data-reason=never_arrived]").count() == never
    assert "超时未到场" in page.inner_text("[data-testid=overtime] tr[data-reason=open]")
    assert page.locator("[data-testid=overdue] tr.red").count() == 1  # DEMO-3
    screenshot(page, "demo-overtime")

    page.goto(f"{base}/console/stats")
    bars = page.locator("[data-testid=counts-chart] svg g[data-key]")
    # Every one of the 9 stations (history), and the unknown lift (DEMO-8); 安达南山一站 has
    # DEMO-1,2,3,7 and its share of the history.
    assert bars.count() == 10
    nanshan = 4 + made["history"]["station:安达南山一站"]
    assert page.get_attribute("[data-testid=counts-chart] g[data-key='安达南山一站']",
                              "data-value") == str(nanshan)
    assert page.locator("[data-testid=hours-chart] svg g[data-key]").count() == 24
    counted = 7 + 60 - made["history"]["cancelled"]  # cancelled ones excluded
    assert page.inner_text("[data-testid=rate] div:first-child b") == str(counted)
    screenshot(page, "demo-stats")

    page.goto(f"{base}/console/data-gaps")
    unbound = page.inner_text("[data-testid=unbound_lifts]")
    assert demo.demo_code(6) in unbound and demo.demo_code(9) in unbound
    assert demo.demo_code(6) in page.inner_text("[data-testid=missing_safety_manager]")
    assert "新安电梯服务部" in page.inner_text("[data-testid=unit_missing_rescue_info]")
    screenshot(page, "demo-data-gaps")

    for name in ("units", "stations"):
        page.goto(f"{base}/console/registry/{name}")
        screenshot(page, f"demo-registry-{name}")
    page.goto(f"{base}/console/registry/lifts?bound=no")
    page.check(f"input[name=codes][value='{demo.demo_code(6)}']")
    page.check(f"input[name=codes][value='{demo.demo_code(9)}']")  # another unit's lift
    page.select_option("[data-testid=binding] select[name=station_id]",
                       made["stations"]["futian"])
    page.click("button[name=op][value=bind]")
    assert "another maintenance unit" in page.inner_text("[role=alert]")
    assert app.state.services.registry.lift(demo.demo_code(6)).station_id is None  # all or none
    page.goto(f"{base}/console/registry/lifts?bound=no")
    page.check(f"input[name=codes][value='{demo.demo_code(6)}']")
    page.select_option("[data-testid=binding] select[name=station_id]",
                       made["stations"]["futian"])
    page.click("button[name=op][value=bind]")
    page.wait_for_selector("[role=status]")
    assert "1" in page.inner_text("[role=status]")
    cell = page.inner_text(f"tr[data-lift='{demo.demo_code(6)}'] td.station-cell")
    assert cell == "安达福田站"
    screenshot(page, "demo-registry-lifts")
    page.goto(f"{base}/console/data-gaps")
    assert demo.demo_code(6) not in page.inner_text("[data-testid=unbound_lifts]")

    page.goto(f"{base}/console/alarm")
    screenshot(page, "demo-new-alarm")


def test_auditor_reads_the_registry_but_cannot_bind(login, live_server, issue_token):
    from adapters.cli import demo
    from adapters.http.console import registry_pages

    base, app = live_server
    made = demo.seed(app.state.services)
    page = login(issue_token("auditor"))
    page.wait_for_selector("#board-rows tr[data-ticket]", timeout=15_000)
    page.goto(f"{base}/console/registry/lifts")
    assert page.locator("input[name=codes]").count() == 0
    # 300 lifts: the first page of them, and a link to the next.
    assert page.locator("[data-testid=lifts] tr[data-lift]").count() == registry_pages.PAGE
    assert page.locator("text=下一页 Next page").count() == 1
    csrf = page.get_attribute("nav input[name=csrf_token]", "value")  # past the CSRF check
    answer = page.request.post(f"{base}/console/registry/lifts/binding", form={
        "codes": demo.demo_code(6), "station_id": made["stations"]["futian"], "op": "bind",
        "csrf_token": csrf})
    assert "无权" in answer.text()
    assert app.state.services.registry.lift(demo.demo_code(6)).station_id is None
