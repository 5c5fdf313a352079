"""POST /v1/alarms: another source's alarm for a lift with an open ticket answers 200 with the
existing ticket and `linked: true`; the opener's source with a new reference opens a ticket."""

from datetime import UTC, datetime, timedelta

LIFT = "44030000000000012345"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)


def post(client, source: str, ref: str, minutes: int = 0):
    return client.post("/v1/alarms", json={
        "lift": LIFT, "source": source, "source_ref": ref, "trapped_count": 1,
        "received_at": (T0 + timedelta(minutes=minutes)).isoformat()})


def test_a_second_source_links_and_says_so(client, count_events):
    first = post(client, "96333", "C-1")
    assert first.status_code == 201 and first.json()["linked"] is False
    linked = post(client, "iot", "S-1", minutes=2)
    assert linked.status_code == 200, linked.text
    body = linked.json()
    assert body["linked"] is True
    assert (body["ticket_id"], body["ticket_no"]) == (first.json()["ticket_id"],
                                                     first.json()["ticket_no"])
    assert linked.headers["location"] == f"/v1/tickets/{body['ticket_id']}"
    again = post(client, "iot", "S-1", minutes=2)
    assert again.status_code == 200 and again.json()["ticket_id"] == body["ticket_id"]
    events = client.get(f"/v1/tickets/{body['ticket_id']}/events").json()
    assert [e["type"] for e in events] == ["AlarmReceived", "AlarmLinked"]
    state = client.get(f"/v1/tickets/{body['ticket_id']}").json()
    assert [(a["source"], a["source_ref"]) for a in state["linked_alarms"]] == [("iot", "S-1")]
    other = post(client, "96333", "C-2", minutes=3)
    assert other.status_code == 201 and other.json()["ticket_id"] != body["ticket_id"]
    assert count_events() == 3
