"""Calling links in Chromium: the ticket page's contacts are tel: links for operators and the
ticket's own unit, and absent for auditors."""

from tests.e2e.browser.conftest import screenshot
from tests.e2e.browser.test_console import api
from tests.e2e.registry_helpers import code, make_lift, make_station, make_unit

CALLER, RESPONDER = "13812345678", "13912345678"


def test_operator_and_own_unit_get_tel_links_auditor_none(login, live_server, issue_token):
    base, _ = live_server
    admin = api(base, issue_token("admin"))
    unit = make_unit(admin, "华南电梯维保")
    station = make_station(admin, unit, "华南福田站")
    make_lift(admin, unit, 901, safety_manager={"name": "赵安全", "mobile": "13600136000"})
    assert admin.post(f"/v1/stations/{station}/bind",
                      json={"registration_codes": [code(901)]}).status_code == 200
    opened = admin.post("/v1/alarms", json={
        "lift": code(901), "source": "phone", "source_ref": "call-1", "trapped_count": 1,
        "dispatch": "external", "caller": {"name": "李", "phone": CALLER}})
    assert opened.status_code == 201, opened.text
    ticket_id = opened.json()["ticket_id"]
    for path, body in [("notify", {"station_id": station}),
                       ("assign", {"responder": {"name": "王师傅", "mobile": RESPONDER}})]:
        assert admin.post(f"/v1/tickets/{ticket_id}/{path}", json=body).status_code == 200

    for token in (issue_token("operator", name="desk-1"), issue_token("unit", unit)):
        page = login(token)
        page.goto(f"{base}/console/tickets/{ticket_id}")
        page.wait_for_selector(f"#contacts a[href='tel:{CALLER}']")
        links = page.locator("#contacts a[href^='tel:']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        assert {f"tel:{n}" for n in (CALLER, RESPONDER, "13900139000", "13700137000",
                                     "13800138000", "13600136000")} <= set(links)
    screenshot(page, "ticket-contacts-tel-links")

    auditor = login(issue_token("auditor"))
    auditor.goto(f"{base}/console/tickets/{ticket_id}/history")
    auditor.wait_for_load_state("networkidle")
    assert auditor.locator("a[href^='tel:']").count() == 0
    assert CALLER not in auditor.content() and RESPONDER not in auditor.content()
