"""No password reaches the logs or an answer: every console path that takes one, captured."""

from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from tests.e2e.test_console_users import _csrf, make_user, password_login

SECRETS = ["first secret pass", "wrong guess 1234", "second secret pass", "reset secret pass",
           "created secret pass"]


def test_passwords_never_appear_in_logs_or_pages(anonymous_client, caplog):
    app = anonymous_client.app
    make_user(app, "root", role="admin", password=SECRETS[0])
    with capture_logs() as logs:
        answers = [password_login(app, "root", SECRETS[1])[1] for _ in range(5)]
        app.state.services.login_throttle.succeeded("root")  # unlock to go on
        admin, done = password_login(app, "root", SECRETS[0])
        answers += [done, admin.post("/console/password", data={
            "current_password": SECRETS[0], "new_password": SECRETS[2],
            "confirm_password": SECRETS[2], "csrf_token": _csrf(admin, "/console/password")})]
        answers.append(admin.post("/console/users", data={
            "username": "op", "password": SECRETS[4], "role": "operator",
            "csrf_token": _csrf(admin, "/console/users")}))
        answers.append(admin.post("/console/users/op/password", data={
            "new_password": SECRETS[3], "csrf_token": _csrf(admin, "/console/users")}))
        answers.append(TestClient(app).post("/console/login", data={
            "username": "root", "password": SECRETS[0]}))  # no CSRF token: refused, logged
    events = [entry["event"] for entry in logs]
    assert events.count("console_login_failed") == 5 and "console_login_locked" in events
    assert {"console_login", "console_password_changed", "console_user_created",
            "console_password_reset", "console_csrf_refused"} <= set(events)
    assert [a.status_code for a in answers] == [401] * 4 + [429, 303, 200, 200, 200, 403]
    captured = repr(logs) + caplog.text + "".join(a.text for a in answers)
    for secret in SECRETS:
        assert secret not in captured
