"""Handle a ticket end to end with the mouse, in Chromium."""

import httpx

from tests.e2e.browser.conftest import assign_arrive_release, screenshot


def open_alarm(base: str, token: str, ref: str) -> str:
    response = httpx.post(f"{base}/v1/alarms", headers={"Authorization": f"Bearer {token}"},
                          json={"lift": "44030000000000012345", "source": "phone",
                                "source_ref": ref, "trapped_count": 2,
                                "dispatch": "external"})  # operators drive every node
    assert response.status_code == 201, response.text
    return response.json()["ticket_id"]


def test_bad_token_is_refused_at_login(login, live_server):
    page = login("lr_not-a-token")
    assert "令牌无效" in page.inner_text("[role=alert]")
    screenshot(page, "login-refused")


def test_operator_walks_a_ticket_to_close_with_the_mouse(login, live_server, issue_token):
    base, _ = live_server
    token = issue_token("operator", name="desk-1")
    ticket_id = open_alarm(base, token, "mouse-1")
    page = login(token)
    page.goto(f"{base}/console/tickets/{ticket_id}")
    status = page.locator("[data-testid=status]")
    assert status.inner_text() == "已接警"
    page.click("form[data-action=notify] button")
    page.wait_for_selector("[data-testid=status]:has-text('已通知')")
    assign_arrive_release(page)
    page.click("form[data-action=callback] button")  # 回访确认 before closing (city standard)
    page.wait_for_selector("[data-testid=callback]:has-text('被困人员')")
    page.click("form[data-action=close] button")
    page.wait_for_selector("[data-testid=status]:has-text('已结案')")
    timeline = page.inner_text("[data-testid=timeline]")
    for label in ("接警", "通知救援站", "响应人接单", "到达现场", "救援完成/解困", "回访确认", "结案"):
        assert label in timeline
    assert "operator:desk-1" in timeline and "139****5678" in page.content()
    screenshot(page, "ticket-closed")
    events = httpx.get(f"{base}/v1/tickets/{ticket_id}/events",
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert [e["type"] for e in events][-1] == "Closed"
    assert all(e["actor"] == "operator:desk-1" for e in events)


def test_rule_violation_is_shown_not_stored(login, live_server, issue_token):
    base, _ = live_server
    token = issue_token("operator")
    ticket_id = open_alarm(base, token, "mouse-2")
    page = login(token)
    page.goto(f"{base}/console/tickets/{ticket_id}")
    page.click("form[data-action=notify] button")
    page.wait_for_selector("[data-testid=status]:has-text('已通知')")
    page.fill("form[data-action=assign] input[name=name]", "李")
    page.fill("form[data-action=assign] input[name=mobile]", "12345")
    page.click("form[data-action=assign] button")
    page.wait_for_selector("[role=alert]")
    assert page.inner_text("[data-testid=status]") == "已通知"
    events = httpx.get(f"{base}/v1/tickets/{ticket_id}/events",
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert len(events) == 2


def test_auditor_sees_history_without_actions(login, live_server, issue_token):
    base, _ = live_server
    ticket_id = open_alarm(base, issue_token("operator"), "mouse-3")
    page = login(issue_token("auditor"))
    page.goto(f"{base}/console/tickets/{ticket_id}")
    assert page.locator("form.action").count() == 0
    page.goto(f"{base}/console/tickets/{ticket_id}/history")
    assert "接警" in page.inner_text("[data-testid=events]")
    screenshot(page, "auditor-history")
    dossier = page.goto(f"{base}/v1/tickets/{ticket_id}/dossier.html")
    assert dossier.status == 200 and "案卷" in page.content()
    screenshot(page, "dossier")
