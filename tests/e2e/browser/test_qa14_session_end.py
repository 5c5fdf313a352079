"""An ended console session in Chromium: the next htmx request leads to the login page."""

import psycopg


def test_an_htmx_request_after_the_session_ended_opens_the_login_page(
        login, live_server, issue_token, database_url):
    """The 303 to the login page was followed inside the XHR and the login form swapped into
    the page (here: into the data-gaps lists) instead of leading there."""
    base, _ = live_server
    page = login(issue_token("admin"))
    page.goto(f"{base}/console/data-gaps")
    page.wait_for_selector("[data-testid=gap-lists]")
    with psycopg.connect(database_url) as conn:  # the session ends (expired, or logged out)
        conn.execute("DELETE FROM console_sessions")
    page.evaluate("() => document.body.dispatchEvent(new Event('registry-saved'))")
    page.wait_for_url(f"{base}/console/login", timeout=10_000)
    assert page.locator("#password-login").count() == 1
    assert page.locator("[data-testid=gap-lists] #password-login").count() == 0
