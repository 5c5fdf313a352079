"""Errors a newcomer can act on: why a 401, what a lift code is, which Content-Type."""

ALARM = {"lift": "44030000000000012345", "source": "96333", "source_ref": "words-1"}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_401_says_missing_unknown_or_revoked_and_where_tokens_come_from(anonymous_client,
                                                                         count_events):
    tokens = anonymous_client.app.state.services.tokens
    token, principal = tokens.create(role="operator", name="words")
    assert tokens.revoke(principal.token_id)
    cases = [({}, "token_missing", "no bearer token"),
             ({"Authorization": "Basic abc"}, "token_missing", "no bearer token"),
             ({"Authorization": "Bearer not-a-token"}, "token_unknown", "not known here"),
             ({"Authorization": f"Bearer {token}"}, "token_revoked", "was revoked")]
    for headers, code, words in cases:
        body = _problem(anonymous_client.post("/v1/alarms", json=ALARM, headers=headers), 401)
        assert body["type"].endswith("/" + code), body
        assert words in body["detail"] and "liftrescue tokens create" in body["detail"]
        assert "liftrescue dev" in body["detail"]
    assert count_events() == 0


def test_an_ended_console_session_is_named(anonymous_client):
    anonymous_client.cookies.set("lr_session", "gone")
    body = _problem(anonymous_client.get("/v1/stations"), 401)
    assert body["type"].endswith("/session_ended") and "/console/login" in body["detail"]


def test_lift_code_error_is_in_words(client, count_events):
    for lift in ("12345", "4403000000000001234x", "４４０３０５"):
        body = _problem(client.post("/v1/alarms", json={**ALARM, "lift": lift}), 422)
        assert body["errors"][0]["field"] == "lift"
        assert "a 20-digit registration code or a 6-digit rescue code" in body["detail"]
        assert "^(" not in body["detail"]  # no regex shown to a call-taker
    assert count_events() == 0


def test_a_json_post_without_json_content_type_names_it(client, count_events):
    import json

    raw = json.dumps(ALARM).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        body = _problem(client.post("/v1/alarms", content=raw,
                                    headers={"Content-Type": content_type}), 415)
        assert "Content-Type must be application/json" in body["detail"]
        assert content_type in body["detail"]
    bare = _problem(client.post("/v1/alarms", content=b"lift=44030000000000012345"), 415)
    assert ("须发送 Content-Type: application/json "
            "(Content-Type must be application/json (none was sent))") == bare["detail"]
    assert count_events() == 0
    # What was accepted stays accepted: JSON with its media type (and a charset) works.
    ok = client.post("/v1/alarms", content=raw,
                     headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 201, ok.text


def test_console_pages_are_reached_from_console(anonymous_client, token_for):
    for entry in ("/console", "/console/", "/"):
        first = anonymous_client.get(entry, follow_redirects=False)
        assert first.status_code in (302, 303, 307) and first.headers["location"] == "/console/board"
    landed = anonymous_client.get("/console", follow_redirects=True)
    assert landed.status_code == 200 and landed.url.path == "/console/login"
