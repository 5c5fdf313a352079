"""In Chromium: a person logs in with a password, changes it, and logs in again with the new
one (the old one no longer works); the users page and the change page are screenshotted."""

from tests.e2e.browser.conftest import password_login, screenshot

OLD, NEW = "first console pass", "second console pass"


def test_password_login_change_and_login_again(browser, live_server):
    base, app = live_server
    users = app.state.services.users
    users.create(username="root", password=OLD, role="admin", created_by="test")
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = context.new_page()
        password_login(page, base, "root", OLD)
        page.wait_for_url("**/console/board")
        assert "user:root" in page.inner_text("nav")
        page.click("nav a[href='/console/users']")
        page.fill("form[data-action=create-user] input[name=username]", "wang")
        page.fill("form[data-action=create-user] input[name=password]", "wang console pass")
        page.click("form[data-action=create-user] button")
        page.wait_for_selector("tr[data-user=wang]")
        screenshot(page, "console-users")

        page.click("nav a[href='/console/password']")
        page.fill("#current_password", OLD)
        page.fill("#new_password", NEW)
        page.fill("#confirm_password", NEW)
        page.click("form[data-action=change-password] button")
        page.wait_for_selector("[role=status]:has-text('密码已修改')")
        screenshot(page, "console-change-password")
        page.click("nav form[action='/console/logout'] button")
        page.wait_for_url("**/console/login")

        password_login(page, base, "root", OLD)
        page.wait_for_selector("[role=alert]:has-text('wrong username or password')")
        password_login(page, base, "root", NEW)
        page.wait_for_url("**/console/board")
        assert "user:root" in page.inner_text("nav")
    finally:
        context.close()
