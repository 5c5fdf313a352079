"""Console users: password login, the failed-login limit, disable, change and reset, and the
admin-only users page — through the real app, its CSRF middleware and PostgreSQL."""

import re

import psycopg
from fastapi.testclient import TestClient

from tests.e2e.registry_helpers import make_lift, make_unit

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def _csrf(browser: TestClient, path: str) -> str:
    found = TOKEN_FIELD.search(browser.get(path).text)
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def password_login(app, username: str, password: str, browser: TestClient | None = None):
    """(browser, response) of one username + password login from a fresh cookie jar."""
    browser = browser or TestClient(app)
    done = browser.post("/console/login", follow_redirects=False, data={
        "username": username, "password": password,
        "csrf_token": _csrf(browser, "/console/login")})
    return browser, done


def make_user(app, username: str, role: str = "operator", unit_id: str | None = None,
              password: str = PASSWORD):
    return app.state.services.users.create(username=username, password=password, role=role,
                                           unit_id=unit_id, created_by="test")


def test_a_person_logs_in_and_acts_under_their_name(client, database_url):
    unit_id = make_unit(client)
    lift = make_lift(client, unit_id, 1)
    make_user(client.app, "alice")
    browser, done = password_login(client.app, "Alice", PASSWORD)  # usernames are lowercased
    assert done.status_code == 303 and done.headers["location"] == "/console/board"
    assert "user:alice" in browser.get("/console/board").text
    opened = browser.post("/console/alarm", follow_redirects=False, data={
        "lift": lift, "source": "phone", "source_ref": "users-1",
        "csrf_token": _csrf(browser, "/console/alarm")})
    assert opened.status_code == 303, opened.text
    ticket = client.get(opened.headers["location"].replace("/console", "/v1")).json()
    history = client.get(f"/v1/tickets/{ticket['id']}/events").json()
    assert history[0]["actor"] == "user:alice"
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT password_hash FROM console_users "
                              "WHERE username = 'alice'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(anonymous_client):
    app = anonymous_client.app
    make_user(app, "bob")
    browser = TestClient(app)
    answers = [password_login(app, "bob", f"wrong guess {n}", browser)[1] for n in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert "lr_session" not in browser.cookies
    _, right = password_login(app, "bob", PASSWORD)
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert "lr_session=" not in right.headers.get("set-cookie", "")
    assert "秒后再试" in right.text and "try again in" in right.text
    # Another person on the same address is not locked out by bob's failures.
    make_user(app, "carol")
    assert password_login(app, "carol", PASSWORD)[1].status_code == 303


def test_disabling_a_user_ends_their_session_at_once(client):
    make_user(client.app, "dave")
    browser, _ = password_login(client.app, "dave", PASSWORD)
    assert browser.get("/console/board", follow_redirects=False).status_code == 200
    admin = make_user(client.app, "root", role="admin")
    admin_browser, _ = password_login(client.app, admin.username, PASSWORD)
    disabled = admin_browser.post("/console/users/dave/disable", data={
        "csrf_token": _csrf(admin_browser, "/console/users")})
    assert disabled.status_code == 200 and "已停用 dave" in disabled.text
    ended = browser.get("/console/board", follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"] == "/console/login"
    assert password_login(client.app, "dave", PASSWORD)[1].status_code == 401


def test_admin_creates_users_and_an_unknown_unit_is_refused(client):
    unit_id = make_unit(client)
    make_user(client.app, "root", role="admin")
    admin, _ = password_login(client.app, "root", PASSWORD)
    csrf = _csrf(admin, "/console/users")
    refused = admin.post("/console/users", data={
        "username": "ghost", "password": PASSWORD, "role": "unit", "unit_id": "no-such-unit",
        "csrf_token": csrf})
    assert refused.status_code == 400 and "no maintenance unit" in refused.text
    made = admin.post("/console/users", data={
        "username": "anda", "password": PASSWORD, "role": "unit", "unit_id": unit_id,
        "csrf_token": csrf})
    assert made.status_code == 200 and "已创建用户 anda" in made.text
    names = [u.username for u in client.app.state.services.users.users()]
    assert names == ["anda", "root"]  # the refused one stored nothing
    unit_user, done = password_login(client.app, "anda", PASSWORD)
    assert done.status_code == 303
    assert unit_user.get("/console/users").status_code == 403  # admins only
    refused = unit_user.post("/console/users/root/disable",
                             data={"csrf_token": _csrf(unit_user, "/console/password")})
    assert refused.status_code == 403
    assert password_login(client.app, "root", PASSWORD)[1].status_code == 303  # still enabled


def test_a_changed_password_replaces_the_old_and_ends_other_sessions(anonymous_client):
    app = anonymous_client.app
    make_user(app, "erin")
    other, _ = password_login(app, "erin", PASSWORD)
    browser, _ = password_login(app, "erin", PASSWORD)
    new = "a brand new secret"
    mismatch = browser.post("/console/password", data={
        "current_password": PASSWORD, "new_password": new, "confirm_password": new + "x",
        "csrf_token": _csrf(browser, "/console/password")})
    assert mismatch.status_code == 400 and "new_password" in mismatch.text
    changed = browser.post("/console/password", data={
        "current_password": PASSWORD, "new_password": new, "confirm_password": new,
        "csrf_token": _csrf(browser, "/console/password")})
    assert changed.status_code == 200 and "密码已修改" in changed.text
    assert browser.get("/console/board", follow_redirects=False).status_code == 200
    assert other.get("/console/board", follow_redirects=False).status_code == 303
    assert password_login(app, "erin", PASSWORD)[1].status_code == 401
    assert password_login(app, "erin", new)[1].status_code == 303


def test_admin_reset_password(client):
    make_user(client.app, "frank")
    make_user(client.app, "root", role="admin")
    admin, _ = password_login(client.app, "root", PASSWORD)
    short = admin.post("/console/users/frank/password", data={
        "new_password": "short", "csrf_token": _csrf(admin, "/console/users")})
    assert short.status_code == 400 and "at least 10" in short.text
    done = admin.post("/console/users/frank/password", data={
        "new_password": "reset by the admin", "csrf_token": _csrf(admin, "/console/users")})
    assert done.status_code == 200 and "已重置 frank" in done.text
    assert password_login(client.app, "frank", "reset by the admin")[1].status_code == 303


def test_token_login_stays_for_machines(anonymous_client):
    app = anonymous_client.app
    token = app.state.services.tokens.create(role="auditor", name="wall")[0]
    browser = TestClient(app)
    done = browser.post("/console/login", follow_redirects=False, data={
        "token": token, "csrf_token": _csrf(browser, "/console/login")})
    assert done.status_code == 303
    page = browser.get("/console/password")
    assert page.status_code == 200 and "no password" in page.text
