"""Closing the loop in Chromium: release with a rescue method, confirm the callback, close; and
a close without a callback that must give the reason."""

import httpx

from tests.e2e.browser.conftest import screenshot
from tests.e2e.browser.test_ticket_page import open_alarm


def events_of(base: str, token: str, ticket_id: str) -> list[dict]:
    return httpx.get(f"{base}/v1/tickets/{ticket_id}/events",
                     headers={"Authorization": f"Bearer {token}"}).json()


def arrived_ticket(login, live_server, issue_token, name: str, ref: str):
    """An operator's page on a ticket walked to arrived: (page, base, token, ticket_id)."""
    base, _ = live_server
    token = issue_token("operator", name=name)
    ticket_id = open_alarm(base, token, ref)
    page = login(token)
    page.goto(f"{base}/console/tickets/{ticket_id}")
    page.click("form[data-action=notify] button")
    page.wait_for_selector("[data-testid=status]:has-text('已通知')")
    page.click("form[data-action=arrive] button")
    page.wait_for_selector("[data-testid=status]:has-text('已到场')")
    return page, base, token, ticket_id


def test_release_with_a_method_confirm_the_callback_and_close(login, live_server, issue_token):
    page, base, token, ticket_id = arrived_ticket(login, live_server, issue_token, "desk-loop",
                                                  "loop-1")
    count = page.locator("form[data-action=release] input[name=released_count]")
    assert count.input_value() == "2"  # the number trapped
    options = page.locator("form[data-action=release] select[name=rescue_method] option")
    assert "2 手动盘车放人" in options.all_inner_texts()
    page.select_option("form[data-action=release] select[name=rescue_method]", "2")
    page.click("form[data-action=release] button")
    page.wait_for_selector("[data-testid=status]:has-text('已解困')")
    assert "手动盘车放人" in page.inner_text("[data-testid=rescue-method]")
    assert "待回访" in page.inner_text("[data-testid=callback]")
    page.select_option("form[data-action=callback] select[name=confirmed_by]", "using_unit")
    page.fill("form[data-action=callback] input[name=note]", "物业确认乘客安全")
    page.click("form[data-action=callback] button")
    page.wait_for_selector("[data-testid=callback]:has-text('物业确认乘客安全')")
    assert page.locator("form[data-action=callback]").count() == 0  # once
    assert page.locator("form[data-action=close] input").count() == 2  # version + csrf only
    page.click("form[data-action=close] button")
    page.wait_for_selector("[data-testid=status]:has-text('已结案')")
    screenshot(page, "ticket-closed-with-callback")
    types = {e["type"]: e["data"] for e in events_of(base, token, ticket_id)}
    assert types["PassengersReleased"]["rescue_method"] == "2"
    assert types["CallbackConfirmed"] == {"confirmed_by": "using_unit", "note": "物业确认乘客安全"}
    assert types["Closed"]["without_callback_reason"] is None


def test_close_without_a_callback_asks_for_the_reason(login, live_server, issue_token):
    page, base, token, ticket_id = arrived_ticket(login, live_server, issue_token,
                                                  "desk-reason", "loop-2")
    page.click("form[data-action=release] button")
    page.wait_for_selector("[data-testid=status]:has-text('已解困')")
    reason = page.locator("form[data-action=close] input[name=without_callback_reason]")
    assert reason.get_attribute("required") is not None
    reason.fill("回访电话无人接听")
    page.click("form[data-action=close] button")
    page.wait_for_selector("[data-testid=status]:has-text('已结案')")
    assert "回访电话无人接听" in page.inner_text("[data-testid=callback]")
    screenshot(page, "ticket-closed-without-callback")
    assert events_of(base, token, ticket_id)[-1]["data"]["without_callback_reason"] == \
        "回访电话无人接听"
