"""Console CSRF tokens, the Origin check and the security headers on every response."""

import re
from pathlib import Path

from fastapi.testclient import TestClient

TEMPLATES = Path(__file__).resolve().parents[2] / "adapters" / "http" / "console" / "templates"
FORM = {"lift": "44030000000000012345", "source": "phone", "source_ref": "csrf-1"}
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def login_token(browser: TestClient) -> str:
    found = TOKEN_FIELD.search(browser.get("/console/login").text)
    assert found, "the login form carries a CSRF token"
    return found.group(1)


def logged_in(app, role: str = "operator") -> tuple[TestClient, str]:
    """A browser with its own cookie jar, logged in; returns it and its session's CSRF token."""
    browser = TestClient(app)
    token = app.state.services.tokens.create(role=role, name="csrf")[0]
    done = browser.post("/console/login", follow_redirects=False,
                        data={"token": token, "csrf_token": login_token(browser)})
    assert done.status_code == 303, done.text
    found = TOKEN_FIELD.search(browser.get("/console/alarm").text)
    assert found, "console pages carry the session's CSRF token"
    return browser, found.group(1)


def test_login_needs_its_token(anonymous_client):
    token = anonymous_client.app.state.services.tokens.create(role="operator", name="x")[0]
    browser = TestClient(anonymous_client.app)
    refused = browser.post("/console/login", data={"token": token}, follow_redirects=False)
    assert refused.status_code == 403 and "lr_session" not in refused.headers.get("set-cookie", "")
    wrong = browser.post("/console/login", follow_redirects=False,
                         data={"token": token, "csrf_token": "guessed"})
    assert wrong.status_code == 403
    right = browser.post("/console/login", follow_redirects=False,
                         data={"token": token, "csrf_token": login_token(browser)})
    assert right.status_code == 303 and "lr_session=" in right.headers["set-cookie"]


def test_console_post_without_token_or_from_elsewhere_is_403(anonymous_client, count_events):
    browser, csrf = logged_in(anonymous_client.app)
    missing = browser.post("/console/alarm", data=FORM, follow_redirects=False)
    assert missing.status_code == 403 and "csrf_token" in missing.text
    other = csrf[:-1] + ("1" if csrf[-1] == "0" else "0")  # differs in its last character
    forged = browser.post("/console/alarm", data={**FORM, "csrf_token": other},
                          follow_redirects=False)
    assert forged.status_code == 403
    other_session, _ = logged_in(anonymous_client.app)
    stolen = other_session.post("/console/alarm", data=FORM, follow_redirects=False,
                                headers={"X-CSRF-Token": csrf})
    assert stolen.status_code == 403  # a token is only good for its own session
    foreign = browser.post("/console/alarm", data={**FORM, "csrf_token": csrf},
                           headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert foreign.status_code == 403 and "evil.example" in foreign.text
    assert browser.post("/console/logout", follow_redirects=False).status_code == 403
    no_session = TestClient(anonymous_client.app).post("/console/alarm", data=FORM,
                                                       follow_redirects=False)
    assert no_session.headers.get("location") == "/console/login"  # nothing to forge: log in
    assert count_events() == 0

    same_site = browser.post("/console/alarm", data={**FORM, "csrf_token": csrf},
                             headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert same_site.status_code == 303, same_site.text
    ticket = same_site.headers["location"]
    by_header = browser.post(f"{ticket}/notify", headers={"X-CSRF-Token": csrf,
                                                         "HX-Request": "true"}, data={})
    assert by_header.status_code == 200 and "已通知" in by_header.text  # htmx sends a header
    assert count_events() == 2
    proxied = browser.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False,
                           headers={"Origin": "https://console.example",
                                    "X-Forwarded-Host": "console.example"})
    assert proxied.status_code == 303 and proxied.headers["location"] == "/console/login"


def test_every_console_form_carries_the_token_and_no_inline_script():
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.DOTALL):
            if template.name.startswith("rescuer"):
                # The rescuer's page (issue 17): no session cookie authenticates its POSTs, the
                # secret link in the action's own path does, and a cross-site page cannot know it.
                assert 'action="/r/{{ link }}/' in form, f"{template.name}: {form[:80]}"
            elif 'method="post"' in form or "hx-post" in form:
                assert 'name="csrf_token"' in form, f"{template.name}: {form[:80]}"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template.name
        assert not re.search(r"\son[a-z]+\s*=", html), f"{template.name}: inline handler"


def test_security_headers_on_every_response(anonymous_client, client):
    responses = [anonymous_client.get("/console/login"), client.get("/v1/tickets"),
                 anonymous_client.post("/v1/alarms", json={}), client.get("/openapi.json")]
    for response in responses:
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    assert responses[-1].status_code == 200 and responses[-1].json()["openapi"]
    docs = client.get("/docs")  # Swagger UI: CDN script and an inline starter, its own policy
    assert docs.status_code == 200 and "cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    # htmx must not inject its indicator <style> (blocked by the policy): configured off.
    assert '"includeIndicatorStyles": false' in anonymous_client.get("/console/login").text
