"""The board in Chromium: receipt clocks, the new-alarm sound and its mute, one-line numbers."""

import re

from tests.e2e.browser.conftest import screenshot
from tests.e2e.browser.test_console import alarm, api, row

ONE_LINE = """(selector) => Array.from(document.querySelectorAll(selector)).map((a) => {
  const style = getComputedStyle(a);
  return {rects: a.getClientRects().length, height: a.getBoundingClientRect().height,
          line: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4};
})"""

STUB_NOTIFICATION = """() => {
  window.__shown = [];
  window.Notification = class {
    static permission = "default";
    static requestPermission() { window.Notification.permission = "granted";
                                 return Promise.resolve("granted"); }
    constructor(title, options) { window.__shown.push([title, options.body]); }
  };
}"""


def test_unnotified_ticket_has_a_receipt_clock_and_turns_red_after_the_threshold(
        login, live_server, issue_token):
    base, _ = live_server
    token = issue_token("operator")
    ops = api(base, token)
    quiet = alarm(ops, "44030000000000061001", "clock-quiet", received_minutes_ago=5)
    fresh = alarm(ops, "44030000000000061002", "clock-fresh", received_minutes_ago=1)
    page = login(token)
    page.wait_for_selector(f"{row(quiet)}.red", timeout=15_000)
    assert re.fullmatch(r"[56]:\d\d", page.inner_text(f"{row(quiet)} td.since-received"))
    assert "待通知" in page.inner_text(f"{row(quiet)} td.elapsed")
    # Under the 3-minute threshold: a running clock, not yet red.
    assert re.fullmatch(r"[12]:\d\d", page.inner_text(f"{row(fresh)} td.since-received"))
    assert "red" not in (page.get_attribute(row(fresh), "class") or "")
    assert "3 分钟仍未通知" in page.inner_text("main")

    # Once the maintenance side is told, the colour runs from that notification instead.
    assert ops.post(f"/v1/tickets/{quiet}/notify", json={}).status_code == 200
    page.wait_for_selector(f"{row(quiet)} td.elapsed[data-notified-at]", timeout=15_000)
    page.wait_for_function(
        f"!document.querySelector(\"{row(quiet)}\").classList.contains('red')")
    assert re.fullmatch(r"0:\d\d", page.inner_text(f"{row(quiet)} td.elapsed"))
    assert re.fullmatch(r"[56]:\d\d", page.inner_text(f"{row(quiet)} td.since-received"))
    screenshot(page, "board-receipt-clock")


def test_new_alarm_sounds_until_muted_and_mute_is_remembered(login, live_server, issue_token):
    base, _ = live_server
    token = issue_token("operator")
    ops = api(base, token)
    page = login(token)
    played = "document.getElementById('alarm-sound').dataset.played"
    assert page.evaluate(played) == "0"
    page.evaluate(STUB_NOTIFICATION)  # headless Chromium shows none: count what would show
    page.click("[data-testid=notify-permission]")
    page.wait_for_selector("[data-testid=notify-permission]:has-text('已启用')")
    first = alarm(ops, "44030000000000062001", "sound-1")
    page.wait_for_selector(row(first), timeout=15_000)
    page.wait_for_function(f"{played} === '1'")
    number = page.inner_text(f"{row(first)} td.ticket-no")
    assert page.evaluate("window.__shown") == [["新困人警情 New alarm", number]]

    page.click("[data-testid=mute]")
    assert page.get_attribute("[data-testid=mute]", "aria-pressed") == "true"
    second = alarm(ops, "44030000000000062002", "sound-2")
    page.wait_for_selector(row(second), timeout=15_000)
    page.wait_for_timeout(500)  # the swap's handlers have run
    assert page.evaluate(played) == "1", "a muted board played the sound"

    page.reload()
    assert page.get_attribute("[data-testid=mute]", "aria-pressed") == "true"
    page.click("[data-testid=mute]")  # sound back on: the next alarm rings again
    third = alarm(ops, "44030000000000062003", "sound-3")
    page.wait_for_selector(row(third), timeout=15_000)
    page.wait_for_function(f"{played} === '1'")
    screenshot(page, "board-sound")


def test_ticket_numbers_stay_on_one_line_on_a_narrow_board_and_search(
        login, live_server, issue_token):
    base, _ = live_server
    token = issue_token("operator")
    ops = api(base, token)
    ticket = alarm(ops, "44030000000000063001", "narrow-1")
    page = login(token)
    page.set_viewport_size({"width": 640, "height": 900})
    page.wait_for_selector(row(ticket), timeout=15_000)
    for cell in page.evaluate(ONE_LINE, "#board-rows td.ticket-no a"):
        assert cell["rects"] == 1 and cell["height"] < 1.5 * cell["line"], cell
    screenshot(page, "board-narrow")
    page.goto(f"{base}/console/search?q=44030000000000063001")
    links = page.evaluate(ONE_LINE, "td.ticket-no a")
    assert links, "the search page lists the ticket"
    for cell in links:
        assert cell["rects"] == 1 and cell["height"] < 1.5 * cell["line"], cell
