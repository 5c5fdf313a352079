"""Delivery receipts: signed callbacks recorded per recipient; a notification that reached
nobody escalates the ticket once (real dispatcher, real PostgreSQL, a real HTTP gateway)."""

import json
import time

import pytest
from pydantic import SecretStr

from adapters.http.routes.sms_receipts import SIGNATURE, signature_for
from adapters.sms.outbox import HttpGateway
from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.live import accepting_sms_gateway, dispatcher_running, wait_for

SECRET = "receipt-secret"
AT = "2026-01-01T08:00:00+08:00"


@pytest.fixture()
def settings(settings):
    """The accept timeout far away; receipts signed with SECRET."""
    return settings.model_copy(update={"accept_timeout_seconds": 600,
                                       "dispatcher_poll_seconds": 0.1,
                                       "sms_receipt_secret": SecretStr(SECRET)})


@pytest.fixture()
def dispatching(client):
    """Views + dispatcher on the http gateway."""
    services = client.app.state.services
    with accepting_sms_gateway() as url:
        services.sms.gateway = HttpGateway(url, attempts=1, backoff=0.01)
        with dispatcher_running(services):
            yield services


def post_receipt(client, body, secret=SECRET, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    return client.post("/v1/sms/receipts", content=data, headers={
        "content-type": "application/json", SIGNATURE: signature_for(secret, data)})


def ticket_on_bound_lift(client, n, ref):
    unit = make_unit(client, f"维保{n}")
    home = make_station(client, unit, f"一站{n}")
    make_station(client, unit, f"二站{n}")
    lift = make_lift(client, unit, n)
    last = client.post(f"/v1/stations/{home}/bind", json={"registration_codes": [lift]})
    client.get("/v1/lifts", params={"after": last.json()["notification_id"]})
    response = client.post("/v1/alarms", json={"lift": lift, "source": "iot", "source_ref": ref})
    return response.json()["ticket_id"]


def types(client, ticket_id):
    return [e["type"] for e in client.get(f"/v1/tickets/{ticket_id}/events").json()]


def messages(client, ticket_id):
    return client.get("/v1/notifications", params={"ticket_id": ticket_id}).json()["items"]


def level_one_key(client, ticket_id):
    wait_for(lambda: "StationNotified" in types(client, ticket_id))
    return messages(client, ticket_id)[0]["key"]


def test_failed_receipts_for_every_station_recipient_escalate_once(client, dispatching):
    ticket_id = ticket_on_bound_lift(client, 1, "r1")
    key = level_one_key(client, ticket_id)
    notified = [e for e in client.get(f"/v1/tickets/{ticket_id}/events").json()
                if e["type"] == "StationNotified"]
    assert notified[0]["data"]["channel"] == "sms"
    # The unit lead (a copy) got it; the station's lead and worker did not: nobody on duty knows.
    assert post_receipt(client, {"key": key, "recipient": "+8613800138000",
                                 "status": "delivered", "at": AT}).status_code == 200
    failed = [{"message_id": key, "recipient": m, "status": "failed", "at": AT,
               "error": "handset off"} for m in ("13900139000", "13700137000")]
    assert post_receipt(client, failed[0]).json()["recorded"] is True
    time.sleep(1.0)  # one recipient left who may still get it: no escalation yet
    assert "Escalated" not in types(client, ticket_id)
    assert post_receipt(client, failed[1]).status_code == 200
    wait_for(lambda: "Escalated" in types(client, ticket_id))
    events = client.get(f"/v1/tickets/{ticket_id}/events").json()
    escalated = [e for e in events if e["type"] == "Escalated"]
    assert "SMS" in escalated[0]["data"]["reason"] and "nobody" in escalated[0]["data"]["reason"]
    assert escalated[0]["data"]["to_level"] == 2
    wait_for(lambda: types(client, ticket_id).count("StationNotified") == 2)
    assert post_receipt(client, failed[1]).json()["recorded"] is False  # a repeat: harmless
    time.sleep(1.0)
    assert types(client, ticket_id).count("Escalated") == 1
    shown = {r["mobile"]: (r["delivery"], r["delivery_error"])
             for r in messages(client, ticket_id)[0]["recipients"]}
    assert shown == {"139****9000": ("failed", "handset off"),
                     "137****7000": ("failed", "handset off"), "138****8000": ("delivered", None)}
    assert messages(client, ticket_id)[1]["recipients"][0]["delivery"] == "pending"


def test_one_delivered_station_recipient_is_enough(client, dispatching):
    ticket_id = ticket_on_bound_lift(client, 2, "r2")
    key = level_one_key(client, ticket_id)
    for mobile, status in (("13900139000", "failed"), ("13700137000", "delivered"),
                           ("13800138000", "failed")):
        assert post_receipt(client, {"key": key, "recipient": mobile, "status": status,
                                     "at": AT}).status_code == 200
    time.sleep(1.5)
    assert "Escalated" not in types(client, ticket_id)


def test_receipts_need_the_signature_and_a_well_formed_body(client, dispatching):
    ticket_id = ticket_on_bound_lift(client, 3, "r3")
    key = level_one_key(client, ticket_id)
    good = {"key": key, "recipient": "13900139000", "status": "delivered", "at": AT}
    assert post_receipt(client, good, secret="wrong").status_code == 401
    unsigned = client.post("/v1/sms/receipts", json=good)
    assert unsigned.status_code == 401 and SIGNATURE in unsigned.json()["title"]
    bad = post_receipt(client, {**good, "status": "read", "at": "yesterday"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in bad.json()["errors"]} == {"status", "at"}
    assert post_receipt(client, None, raw=b"{not json").status_code == 422
    stranger = post_receipt(client, {**good, "recipient": "13511112222"})
    assert stranger.status_code == 422 and "recipient" in stranger.text
    assert "并未发给该接收人 (the message was not sent" in stranger.json()["detail"]
    assert post_receipt(client, {**good, "key": "nope:notify:1"}).status_code == 404
    assert all(r["delivery"] == "pending" for r in messages(client, ticket_id)[0]["recipients"])
    assert post_receipt(client, good).json() == {"key": key, "status": "delivered",
                                                 "recorded": True}
    first = messages(client, ticket_id)[0]["recipients"][0]
    assert (first["mobile"], first["delivery"]) == ("139****9000", "delivered")
    dispatching.settings = dispatching.settings.model_copy(update={"sms_receipt_secret": None})
    assert post_receipt(client, good).status_code == 403
