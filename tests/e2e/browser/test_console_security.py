"""In Chromium: CSRF tokens flow through login, htmx actions, forms and logout, and the
Content-Security-Policy blocks nothing the console itself needs."""

from tests.e2e.browser.conftest import assign_arrive_release
from tests.e2e.browser.test_ticket_page import open_alarm
from tests.e2e.registry_helpers import make_lift, make_station, make_unit

REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) =>
  window.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def test_mouse_walk_with_csrf_and_no_policy_violations(browser, live_server, issue_token):
    import httpx

    base, _ = live_server
    admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {issue_token('admin')}"})
    unit = make_unit(admin)
    make_station(admin, unit)
    for n in (1, 2, 3):
        make_lift(admin, unit, 900 + n)
    token = issue_token("admin", name="csp-walk")
    ticket_id = open_alarm(base, token, "csp-1")

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    violations: list[str] = []
    errors: list[str] = []
    context.expose_function("reportViolation", lambda v: violations.append(v))
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url')}")
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(f"{base}/console/login")
        page.fill("#token", token)
        page.click("#token-login button[type=submit]")  # the login form's double-submit token
        page.wait_for_url("**/console/board")
        page.goto(f"{base}/console/tickets/{ticket_id}")
        page.click("form[data-action=notify] button")  # htmx posts carry the session token
        page.wait_for_selector("[data-testid=status]:has-text('已通知')")
        assign_arrive_release(page)
        page.goto(f"{base}/v1/tickets/{ticket_id}/dossier.html")  # its <style> has the nonce
        assert page.evaluate("getComputedStyle(document.body).marginTop") != "0px"
        page.goto(f"{base}/console/registry/lifts")
        page.check("input[data-select-all=codes]")  # console.js, no inline onclick
        assert page.locator("input[name=codes]:checked").count() == 3
        for path in ("board", "overtime", "stats", f"tickets/{ticket_id}/history"):
            page.goto(f"{base}/console/{path}")
        assert violations == [] and errors == [], (violations, errors)

        # The detector works: inline script injected into the page is refused and reported.
        page.evaluate("""document.body.insertAdjacentHTML("beforeend",
            '<img src="/console/static/none.png" onerror="window.ran = 1">')""")
        for _ in range(100):  # the report arrives asynchronously
            if violations:
                break
            page.wait_for_timeout(50)
        assert any("script-src" in v for v in violations), violations
        assert page.evaluate("window.ran") is None

        page.click("nav form[action='/console/logout'] button")  # a CSRF-protected POST too
        page.wait_for_url("**/console/login")
    finally:
        context.close()
