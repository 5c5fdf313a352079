"""Issue 17 in Chromium on a phone-sized window: the SMS link's page walks accept → arrive by
scanning the lift's QR label → release → fault report; and taps made offline are kept on the
phone, sent when the network returns, and stored once with the tap times."""

from datetime import datetime, timedelta

import httpx

from tests.e2e.browser.conftest import screenshot
from tests.e2e.rescuer_helpers import alarm, bound_lift, texted_links
from tests.live import wait_for

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
LIFT_AT = {"lat": 22.5400, "lng": 113.9300}


def texted(live_server, admin, ref: str, **lift) -> tuple[str, str, str]:
    """A notified ticket on a bound lift: (ticket_id, lift code, one worker's link)."""
    _, app = live_server
    _, code = bound_lift(admin, workers=1, **lift)
    ticket_id = alarm(admin, code, ref)
    link = next(iter(texted_links(app.state.services, ticket_id, 1).values()))["link"]
    return ticket_id, code, link


def recorded(admin, ticket_id: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for event in admin.get(f"/v1/tickets/{ticket_id}/events").json():
        found.setdefault(event["type"], []).append(event)
    return found


def test_accept_scan_the_label_release_and_report_the_fault(browser, live_server, admin, login,
                                                           issue_token):
    base, _ = live_server
    ticket_id, code, link = texted(live_server, admin, "phone-1")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/r/{link}")
    assert "海德三道 88 号" in page.inner_text("[data-testid=address]")
    assert page.get_attribute("[data-testid=call-caller]", "href") == "tel:13812345678"
    page.click("form[data-action=accept] button")
    page.wait_for_selector("[data-testid=done-accept]:has-text('您 (you)')")
    # The operators' board shows who accepted and when (it lists tickets until arrival).
    desk = login(issue_token("operator", name="desk-17"))
    desk.goto(f"{base}/console/board")
    desk.locator(f"tr[data-ticket='{ticket_id}'] [data-testid=accepted]:has-text('工0 接单')"
                 ).wait_for(timeout=30_000)
    # The rescuer scans the lift's QR label: its URL (the public lift page) opens in the same
    # browser, which holds the rescuer's link for a ticket on this lift.
    page.goto(f"{base}/p/lifts/{code}")
    # Opening the label records the arrival (no second tap: the scan is the proof).
    page.wait_for_selector("[data-testid=done-arrive]:has-text('qr_scan')")
    assert page.input_value("form[data-action=release] input[name=released_count]") == "2"
    page.select_option("form[data-action=release] select[name=rescue_method]", "2")
    page.click("form[data-action=release] button")
    page.wait_for_selector("[data-testid=done-release]:has-text('解救 2 人')")
    page.fill("form[data-action=fault] textarea[name=description]", "层门门锁触点氧化")
    page.click("form[data-action=fault] button")
    page.wait_for_selector("[data-testid=done-fault]")
    screenshot(page, "rescuer-phone-walk")
    events = recorded(admin, ticket_id)
    assert events["ArrivedOnSite"][0]["data"]["proof"] == "qr_scan"
    assert events["PassengersReleased"][0]["data"]["rescue_method"] == "2"
    assert len(events["FaultReportFiled"]) == 1
    assert events["ResponderAssigned"][0]["actor"] == events["ArrivedOnSite"][0]["actor"]
    context.close()
    # The ticket page: who accepted, when, and how the arrival was proven; the statistics.
    desk.goto(f"{base}/console/tickets/{ticket_id}")
    assert "扫码到场 (qr_scan)" in desk.inner_text("[data-testid=arrival-proof]")
    assert "工0" in desk.inner_text("[data-testid=accepted]")
    desk.goto(f"{base}/console/stats")
    assert "1 / 1 = 100%" in desk.inner_text("[data-testid=arrival-proof]")
    share = admin.get("/v1/reports/arrival-proof").json()
    assert (share["arrivals"], share["proven"], share["share"]) == (1, 1, 1.0)
    assert [(r["station_name"], r["proven"]) for r in share["items"]] == [("南山一站", 1)]


def test_offline_taps_are_kept_and_sent_once_with_their_tap_times(browser, live_server,
                                                                  admin):
    base, _ = live_server
    ticket_id, _, link = texted(live_server, admin, "phone-2", location=LIFT_AT)
    context = browser.new_context(**PHONE, permissions=["geolocation"],
                                  geolocation={"latitude": 22.5401, "longitude": 113.9301,
                                               "accuracy": 20})
    page = context.new_page()
    page.goto(f"{base}/r/{link}")
    context.set_offline(True)
    page.click("form[data-action=accept] button")
    page.wait_for_selector("[data-testid=queue]:has-text('已保存，发送中')")
    page.click("form[data-action=arrive] button")
    page.wait_for_selector("form[data-action=arrive] .pending:has-text('已保存，发送中')")
    page.click("form[data-action=release] button")
    page.wait_for_selector("form[data-action=release] .pending:has-text('已保存，发送中')")
    queue = page.evaluate("JSON.parse(localStorage.getItem(Object.keys(localStorage)[0]))")
    assert [item["action"] for item in queue] == ["accept", "arrive", "release"]
    assert "ResponderAssigned" not in recorded(admin, ticket_id)  # nothing reached the server
    context.set_offline(False)
    page.wait_for_selector("[data-testid=done-release]", timeout=30_000)
    assert page.locator("[data-testid=queue]").is_hidden()
    events = recorded(admin, ticket_id)
    kinds = {"accept": "ResponderAssigned", "arrive": "ArrivedOnSite",
             "release": "PassengersReleased"}
    for item in queue:
        stored = events[kinds[item["action"]]]
        assert len(stored) == 1  # once
        assert datetime.fromisoformat(stored[0]["occurred_at"]) == \
            datetime.fromisoformat(item["data"]["at"])
    assert events["ArrivedOnSite"][0]["data"]["proof"] == "gps"  # ~14 m from the lift
    # The phone resends a tap (its answer was lost): the first answer, nothing new stored.
    again = httpx.post(f"{base}/r/{link}/accept", json=queue[0]["data"],
                       headers={"Idempotency-Key": queue[0]["key"]})
    assert again.status_code == 200 and again.headers.get("idempotent-replayed") == "true"
    assert len(recorded(admin, ticket_id)["ResponderAssigned"]) == 1
    context.close()
    # Made late (times corrected 40 minutes back): the overtime list shows how it was proven.
    received = datetime.fromisoformat(events["AlarmReceived"][0]["occurred_at"])
    for node, minutes in (("received", 45), ("notified", 44)):
        assert admin.post(f"/v1/tickets/{ticket_id}/corrections", json={
            "node": node, "new": (received - timedelta(minutes=minutes)).isoformat(),
            "reason": "test"}).status_code == 200

    def listed():
        items = admin.get("/v1/overtime").json()["items"]
        return [i for i in items if i["ticket_id"] == ticket_id]

    assert wait_for(listed, seconds=30)[0]["arrival_proof"] == "gps"
