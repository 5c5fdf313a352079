"""The ticket page in Chromium: names not ids, clocks, release defaults, the printable sheet."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.browser.conftest import assign_and_arrive, screenshot
from tests.e2e.browser.test_console import api
from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit


def test_ticket_page_names_clocks_defaults_and_print_sheet(login, live_server, issue_token):
    base, _ = live_server
    admin = api(base, issue_token("admin"))
    unit = make_unit(admin, "华南电梯维保")
    station = make_station(admin, unit, "华南福田站")
    make_lift(admin, unit, 801)
    assert admin.post(f"/v1/stations/{station}/bind",
                      json={"registration_codes": [code(801)]}).status_code == 200
    token = issue_token("operator", name="desk-9")
    opened = api(base, token).post("/v1/alarms", json={
        "lift": code(801), "source": "phone", "source_ref": "sheet-1", "trapped_count": 3,
        "dispatch": "external"})
    assert opened.status_code == 201, opened.text
    ticket_id, ticket_no = opened.json()["ticket_id"], opened.json()["ticket_no"]

    page = login(token)
    page.goto(f"{base}/console/tickets/{ticket_id}")
    assert page.inner_text("[data-testid=unit-name]") == "华南电梯维保"
    assert page.inner_text("[data-testid=station-name]") == "华南福田站"
    assert unit not in page.inner_text("dl.facts") and station not in page.inner_text("dl.facts")
    page.wait_for_function(
        "/^\\d+:\\d\\d$/.test(document.querySelector('[data-testid=clock-received]').textContent)")
    assert page.locator("[data-testid=clock-notified]").count() == 0
    released = "form[data-action=release] input[name=released_count]"
    assert page.input_value(released) == "3", "the release count defaults to the trapped count"

    page.select_option("form[data-action=notify] select[name=station_id]", station)
    page.click("form[data-action=notify] button")
    page.wait_for_selector("[data-testid=status]:has-text('已通知')")
    assert page.inner_text("[data-testid=notified-station]") == "华南福田站"
    assert page.locator("[data-testid=clock-notified]").count() == 1
    assert page.locator("form[data-action=assign]").count() == 1
    assign_and_arrive(page)
    assert page.locator("form[data-action=assign]").count() == 0, "responder already on site"
    assert page.input_value(released) == "3"
    page.reload()
    arrival = page.locator("[data-testid=clock-arrival]")
    assert arrival.get_attribute("data-until"), "the arrival clock stopped at arrival"
    assert re.fullmatch(r"\d+:\d\d", arrival.inner_text())
    screenshot(page, "ticket-names-clocks")

    page.click("[data-testid=print-link]")
    page.wait_for_selector("[data-testid=ticket-sheet]")
    assert page.locator("form").count() == 0
    sheet = page.inner_text("[data-testid=ticket-sheet]")
    for fact in (ticket_no, "华南电梯维保", "华南福田站", "王师傅", "139****5678", "到达现场"):
        assert fact in sheet, fact
    assert "13912345678" not in page.content()
    assert page.locator("[data-testid=sheet-timeline] tbody tr").count() == 4
    received = datetime.fromisoformat(opened.json().get("received_at") or api(base, token).get(
        f"/v1/tickets/{ticket_id}").json()["times"]["received_at"])
    shanghai = received.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    assert shanghai in page.inner_text("[data-testid=sheet-nodes]")
    screenshot(page, "ticket-print")

    # Another unit's user never sees the sheet.
    other = make_unit(admin, "别家维保")
    outsider = login(issue_token("unit", unit_id=other, name="outsider"))
    assert outsider.goto(f"{base}/console/tickets/{ticket_id}/print").status == 404
    assert "华南福田站" not in outsider.content()
