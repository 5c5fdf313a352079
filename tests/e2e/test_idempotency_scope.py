"""Idempotency-Key: honoured only after authentication, scoped to the caller, 24 hours."""

import re

import psycopg
from fastapi.testclient import TestClient

ALARM = {"lift": "44030000000000012345", "source": "96333", "source_ref": "idem-1"}


def key_rows(database_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT scope, key FROM idempotency_keys ORDER BY created_at").fetchall()


def test_anonymous_request_creates_no_row(anonymous_client, database_url, count_events):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Cookie": "lr_session=forged"}):
        response = anonymous_client.post("/v1/alarms", json=ALARM,
                                         headers={**headers, "Idempotency-Key": "anon-1"})
        assert response.status_code == 401
        assert "idempotent-replayed" not in response.headers
    assert key_rows(database_url) == [] and count_events() == 0


def test_two_tokens_with_one_key_get_their_own_results(anonymous_client, token_for,
                                                       database_url):
    headers = {"Idempotency-Key": "same-key"}
    first = anonymous_client.post("/v1/units", json={"name": "甲维保"},
                                  headers={**token_for("admin", name="a"), **headers})
    second = anonymous_client.post("/v1/units", json={"name": "甲维保"},
                                   headers={**token_for("admin", name="a"), **headers})
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    scopes = {scope for scope, _ in key_rows(database_url)}
    assert len(scopes) == 2 and all(s.startswith("token:") for s in scopes)


def console_session(app, token: str) -> tuple[TestClient, str]:
    """A separate browser (its own cookie jar) logged in to the console; returns its CSRF token."""
    browser = TestClient(app)
    page = browser.get("/console/login").text
    login_token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    login = browser.post("/console/login", follow_redirects=False, data={
        "token": token, "csrf_token": login_token.group(1) if login_token else ""})
    assert login.status_code == 303, login.text
    board = browser.get("/console/board").text
    found = re.search(r'name="csrf_token" value="([^"]*)"', board)
    return browser, found.group(1) if found else ""


def test_console_replay_stays_with_its_session(anonymous_client, token_for, database_url):
    issue = anonymous_client.app.state.services.tokens.create
    a, csrf_a = console_session(anonymous_client.app, issue(role="operator", name="a")[0])
    b, csrf_b = console_session(anonymous_client.app, issue(role="operator", name="b")[0])
    form = {"lift": ALARM["lift"], "source": "phone", "source_ref": "idem-console"}
    first = a.post("/console/alarm", data=form, follow_redirects=False,
                   headers={"Idempotency-Key": "c-1", "X-CSRF-Token": csrf_a})
    assert first.status_code == 303, first.text
    again = a.post("/console/alarm", data=form, follow_redirects=False,
                   headers={"Idempotency-Key": "c-1", "X-CSRF-Token": csrf_a})
    assert again.headers.get("idempotent-replayed") == "true"  # the session's own replay
    assert again.headers["location"] == first.headers["location"]

    stranger = TestClient(anonymous_client.app).post(
        "/console/alarm", data=form, follow_redirects=False,
        headers={"Idempotency-Key": "c-1", "X-CSRF-Token": csrf_a})
    assert "idempotent-replayed" not in stranger.headers
    assert stranger.headers.get("location") != first.headers["location"]
    other = b.post("/console/alarm", data=form, follow_redirects=False,
                   headers={"Idempotency-Key": "c-1", "X-CSRF-Token": csrf_b})
    assert "idempotent-replayed" not in other.headers
    assert len({scope for scope, _ in key_rows(database_url)}) == 2  # A's and B's sessions


def test_key_older_than_24_hours_acts_as_new(client, database_url):
    headers = {"Idempotency-Key": "day-old"}
    first = client.post("/v1/units", json={"name": "乙维保"}, headers=headers)
    replay = client.post("/v1/units", json={"name": "乙维保"}, headers=headers)
    assert replay.headers.get("idempotent-replayed") == "true"
    assert replay.json()["id"] == first.json()["id"]
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'")
    fresh = client.post("/v1/units", json={"name": "乙维保"}, headers=headers)
    assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers
    assert fresh.json()["id"] != first.json()["id"]
    assert len(key_rows(database_url)) == 1  # the old record was taken over, not duplicated


def test_expired_records_are_purged(client, database_url):
    for key in ("old-1", "old-2", "new-1"):
        assert client.post("/v1/units", json={"name": key},
                           headers={"Idempotency-Key": key}).status_code == 201
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
                     "WHERE key LIKE 'old-%'")
    assert client.app.state.services.idempotency.purge() == 2
    assert [key for _, key in key_rows(database_url)] == ["new-1"]
