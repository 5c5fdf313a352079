"""Closing the loop over HTTP: rescue method on release, callback (回访确认), close refusals."""

from tests.e2e.test_console_csrf import logged_in
from tests.e2e.test_http_tickets import iso, open_ticket


def released(client, ref: str, **release) -> str:
    ticket_id = open_ticket(client, ref=ref)["ticket_id"]
    for path, body in [("notify", {"at": iso(1)}), ("arrive", {"at": iso(12)}),
                       ("release", {"released_count": 2, "released_by": "rescuer",
                                    "at": iso(20), **release})]:
        response = client.post(f"/v1/tickets/{ticket_id}/{path}", json=body)
        assert response.status_code == 200, (path, response.text)
    return ticket_id


def test_release_with_method_callback_then_close(client):
    ticket_id = released(client, "loop-1", rescue_method="2")
    callback = client.post(f"/v1/tickets/{ticket_id}/callback", json={
        "confirmed_by": "using_unit", "note": "物业确认乘客安全", "at": iso(30)})
    assert callback.status_code == 200, callback.text
    state = client.get(f"/v1/tickets/{ticket_id}").json()
    assert state["rescue_method"] == {"code": "2", "note": None}
    assert state["callback"]["confirmed_by"] == "using_unit"
    assert state["callback"]["note"] == "物业确认乘客安全"
    closed = client.post(f"/v1/tickets/{ticket_id}/close", json={"at": iso(40)})
    assert closed.status_code == 200, closed.text
    events = client.get(f"/v1/tickets/{ticket_id}/events").json()
    by_type = {e["type"]: e for e in events}
    assert by_type["PassengersReleased"]["data"]["rescue_method"] == "2"
    assert by_type["CallbackConfirmed"]["data"] == {
        "confirmed_by": "using_unit", "note": "物业确认乘客安全"}
    assert by_type["CallbackConfirmed"]["occurred_at"].startswith(iso(30)[:16])
    assert by_type["Closed"]["data"]["without_callback_reason"] is None


def test_close_without_callback_is_409_in_both_languages(client, count_events):
    ticket_id = released(client, "loop-2")
    before = count_events()
    refused = client.post(f"/v1/tickets/{ticket_id}/close", json={"at": iso(40)})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    detail = refused.json()["detail"]
    assert "回访确认" in detail and "callback confirmation" in detail
    assert "without_callback_reason" in detail
    assert count_events() == before
    with_reason = client.post(f"/v1/tickets/{ticket_id}/close", json={
        "at": iso(40), "without_callback_reason": "回访电话无人接听"})
    assert with_reason.status_code == 200, with_reason.text
    last = client.get(f"/v1/tickets/{ticket_id}/events").json()[-1]
    assert last["data"]["without_callback_reason"] == "回访电话无人接听"


def test_callback_before_release_or_twice_is_409(client):
    ticket_id = open_ticket(client, ref="loop-3")["ticket_id"]
    early = client.post(f"/v1/tickets/{ticket_id}/callback", json={"confirmed_by": "trapped_person"})
    assert early.status_code == 409 and "解救完成之后" in early.json()["detail"]
    ticket_id = released(client, "loop-4")
    body = {"confirmed_by": "trapped_person", "at": iso(30)}
    assert client.post(f"/v1/tickets/{ticket_id}/callback", json=body).status_code == 200
    again = client.post(f"/v1/tickets/{ticket_id}/callback", json=body | {"at": iso(31)})
    assert again.status_code == 409 and "already confirmed" in again.json()["detail"]


def test_unknown_rescue_method_is_422_and_stores_nothing(client, count_events):
    ticket_id = open_ticket(client, ref="loop-5")["ticket_id"]
    for path, body in [("notify", {"at": iso(1)}), ("arrive", {"at": iso(12)})]:
        assert client.post(f"/v1/tickets/{ticket_id}/{path}", json=body).status_code == 200
    before = count_events()
    for method in ("7", "平层", 1):
        response = client.post(f"/v1/tickets/{ticket_id}/release", json={
            "released_count": 1, "released_by": "rescuer", "rescue_method": method})
        assert response.status_code == 422, (method, response.text)
        assert "rescue_method" in [e["field"] for e in response.json()["errors"]]
    other = client.post(f"/v1/tickets/{ticket_id}/release", json={
        "released_count": 1, "released_by": "rescuer", "rescue_method": "9"})
    assert other.status_code == 422 and "rescue_note" in other.text
    assert count_events() == before


def test_bad_callback_body_is_422(client, count_events):
    ticket_id = released(client, "loop-6")
    before = count_events()
    for body in ({}, {"confirmed_by": "neighbour"}, {"confirmed_by": "using_unit", "x": 1}):
        response = client.post(f"/v1/tickets/{ticket_id}/callback", json=body)
        assert response.status_code == 422, body
    assert count_events() == before


def test_tickets_view_holds_the_rescue_method_and_callback_time(client, views, database_url):
    import time

    import psycopg

    ticket_id = released(client, "loop-view", rescue_method="4")
    client.post(f"/v1/tickets/{ticket_id}/callback", json={"confirmed_by": "trapped_person",
                                                           "at": iso(30)})
    deadline, row = time.monotonic() + 30, None
    while time.monotonic() < deadline:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT rescue_method, callback_confirmed_at FROM tickets_view "
                               "WHERE ticket_id = %s", (ticket_id,)).fetchone()
        if row and row[1] is not None:
            break
        time.sleep(0.1)
    assert row is not None and row[0] == "4"
    assert row[1].isoformat() == iso(30).replace("Z", "+00:00")


def test_released_without_a_rescue_method_is_a_data_gap(client, views):
    without = released(client, "loop-gap-1")
    with_method = released(client, "loop-gap-2", rescue_method="1")
    last = client.post(f"/v1/tickets/{with_method}/callback",
                       json={"confirmed_by": "using_unit"}).json()
    client.get("/v1/dynamics", params={"after": last["notification_id"]})  # view caught up
    missing = client.get("/v1/rescue-methods/missing")
    assert missing.status_code == 200
    ids = [m["ticket_id"] for m in missing.json()["items"]]
    assert without in ids and with_method not in ids
    browser, _ = logged_in(client.app)
    page = browser.get("/console/data-gaps").text
    section = page[page.index('data-testid="missing_rescue_methods"'):]
    assert "Released without a rescue method" in section
    ticket_no = client.get(f"/v1/tickets/{without}").json()["ticket_no"]
    other_no = client.get(f"/v1/tickets/{with_method}").json()["ticket_no"]
    assert ticket_no in section and other_no not in section
