"""Request body limit: refused before authentication and parsing, declared or streamed."""

import asyncio
import json
import threading

ALARM = {"lift": "44030000000000012345", "source": "96333", "source_ref": "limit-1"}
MIB = 1024 * 1024


def test_oversized_body_is_413_before_authentication(anonymous_client, count_events):
    big = b'{"lift": "' + b"4" * (2 * MIB) + b'"}'
    for path in ("/v1/alarms", "/console/alarm", "/console/login"):
        response = anonymous_client.post(path, content=big,
                                         headers={"content-type": "application/json"})
        assert response.status_code == 413, (path, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == 413 and str(MIB) in problem["detail"]
    assert count_events() == 0


def test_chunked_body_without_length_is_413(anonymous_client, token_for, count_events):
    def chunks():
        for _ in range(40):
            yield b" " * 64 * 1024

    response = anonymous_client.post("/v1/alarms", content=chunks(),
                                      headers={**token_for("admin"),
                                               "content-type": "application/json"})
    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert count_events() == 0


def test_streamed_body_stops_being_read_past_the_limit(anonymous_client, count_events):
    """Drive the real app over ASGI: the read stops at the first chunk past 1 MiB."""
    chunk, pulled, sent = 64 * 1024, 0, []

    async def receive():
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b" " * chunk, "more_body": pulled < 1000}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/alarms", "raw_path": b"/v1/alarms",
             "root_path": "", "query_string": b"", "server": ("testserver", 80),
             "client": ("127.0.0.1", 5000), "headers": [(b"host", b"testserver"),
                                                        (b"content-type", b"application/json")]}
    # A thread of its own: a session-wide browser fixture may hold a running loop in this one.
    app_call = anonymous_client.app(scope, receive, send)
    worker = threading.Thread(target=asyncio.run, args=(app_call,))
    worker.start()
    worker.join(timeout=30)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert pulled == MIB // chunk + 1  # 16 chunks fill the limit; the 17th crosses it
    assert [m for m in sent if m["type"] == "http.response.start"] == [sent[0]]
    assert count_events() == 0


def test_normal_and_largest_legitimate_bodies_pass(client, count_events):
    created = client.post("/v1/alarms", json=ALARM)
    assert created.status_code == 201, created.text
    # The biggest body a route takes: a bind of 5000 registration codes fits with room to spare.
    codes = [f"4403{n:016d}" for n in range(5000)]
    body = json.dumps({"registration_codes": codes}).encode()
    limit = client.app.state.services.settings.max_body_bytes
    assert limit == MIB and len(body) < limit // 8
    bind = client.post("/v1/stations/no-such-station/bind", content=body,
                       headers={"content-type": "application/json"})
    assert bind.status_code == 404, bind.text  # read and routed, not refused for size
    assert count_events() == 1
