"""Issue 17 over HTTP: the station SMS carries one link per worker; /r/{link} acts on that one
ticket only, through TicketApp, once per Idempotency-Key; misses look alike and are limited."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import psycopg
import pytest
from structlog.testing import capture_logs

from adapters.postgres.tokens import digest
from domain.ticket import Ticket
from tests.e2e.rescuer_helpers import alarm, bound_lift, texted_links
from tests.live import dispatcher_running


@pytest.fixture()
def settings(settings):
    return settings.model_copy(update={"rescuer_link_max_misses": 3,
                                       "public_base_url": "https://rescue.example.cn"})


def events(client, ticket_id, kind=None):
    found = client.get(f"/v1/tickets/{ticket_id}/events").json()
    return [e for e in found if kind is None or e["type"] == kind]


def test_sms_links_accept_scan_release_fault_once_each(client, database_url):
    services = client.app.state.services
    _, code = bound_lift(client)
    with dispatcher_running(services):
        ticket_id = alarm(client, code, "r-1")
        sent = texted_links(services, ticket_id, 2)
    # One message per worker, each with its own link; only the hash is stored.
    assert len({m["link"] for m in sent.values()}) == 2
    assert all(len(m["recipients"]) == 1 for m in sent.values())
    assert all("https://rescue.example.cn/r/" in m["text"] for m in sent.values())
    first, second = (m["link"] for m in sent.values())
    with psycopg.connect(database_url) as conn:
        hashes = {r[0] for r in conn.execute("SELECT link_hash FROM rescuer_links")}
    assert hashes == {digest(first), digest(second)}
    # The outbox as the API lists it cuts the links short: each is its addressee's alone.
    texts = [m["text"] for m in client.get("/v1/notifications",
                                           params={"ticket_id": ticket_id}).json()["items"]]
    assert any(f"/r/{first[:6]}…" in t for t in texts) and not any(first in t for t in texts)

    with capture_logs() as logs:
        page = client.get(f"/r/{first}")
        assert page.status_code == 200
        assert "tel:13812345678" in page.text and "海德三道 88 号" in page.text
        assert page.cookies.get("rescuer_link") == first
        now = datetime.now(UTC)
        tap = {"at": now.isoformat()}
        accepted = client.post(f"/r/{first}/accept", json=tap, headers={"Idempotency-Key": "k1"})
        again = client.post(f"/r/{first}/accept", json=tap, headers={"Idempotency-Key": "k1"})
    assert accepted.status_code == 200, accepted.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert not any(first in str(entry) for entry in logs)  # the link is a credential
    assigned = events(client, ticket_id, "ResponderAssigned")
    assert len(assigned) == 1 and assigned[0]["actor"].startswith("rescuer:")
    assert assigned[0]["data"]["responder"]["mobile"] == "137****7000"

    other = client.get(f"/r/{second}")
    assert "data-testid=\"done-accept\"" in other.text and 'data-action="accept"' not in other.text
    refused = client.post(f"/r/{second}/accept", json={})
    assert refused.status_code == 409 and "已由" in refused.json()["detail"]
    assert client.post(f"/r/{first}/accept", json={}).status_code == 409  # a new tap: once

    future = client.post(f"/r/{first}/arrive",
                         json={"at": (now + timedelta(hours=1)).isoformat()})
    assert future.status_code == 422 and events(client, ticket_id, "ArrivedOnSite") == []
    # The label opened on the first worker's phone (its cookie is Secure: sent by hand here).
    client.cookies.clear()
    assert client.get(f"/r/scan/{code}").status_code == 404  # no rescuer link on this phone
    client.cookies.set("rescuer_link", first)
    scanned = client.get(f"/r/scan/{code}", follow_redirects=False)
    assert scanned.status_code == 303 and scanned.headers["location"].endswith("?scanned=1")
    arrived = client.post(f"/r/{first}/arrive", json={"at": datetime.now(UTC).isoformat()})
    assert arrived.status_code == 200, arrived.text
    arrival = events(client, ticket_id, "ArrivedOnSite")[0]["data"]
    assert arrival["proof"] == "qr_scan"

    released = client.post(f"/r/{first}/release", json={"rescue_method": "2"})
    assert released.status_code == 200, released.text
    release = events(client, ticket_id, "PassengersReleased")[0]["data"]
    assert release["released_count"] == 2 and release["released_by"] == "rescuer"
    bad = client.post(f"/r/{first}/fault", json={"cause": "99/999", "description": "x"})
    assert bad.status_code == 422
    cause = services.tickets.causes.choices()[0][0]
    filed = client.post(f"/r/{first}/fault", json={"cause": cause, "description": "门锁触点氧化"})
    assert filed.status_code == 200, filed.text
    assert len(events(client, ticket_id, "FaultReportFiled")) == 1
    assert "您 (you)" in client.get(f"/r/{first}").text


def test_far_position_is_reported_misses_look_alike_then_429_closed_ticket_ends_links(client):
    services = client.app.state.services
    _, code = bound_lift(client, workers=1, location={"lat": 22.54, "lng": 113.93})
    with dispatcher_running(services):
        ticket_id = alarm(client, code, "r-2")
        link = next(iter(texted_links(services, ticket_id, 1).values()))["link"]
    assert client.get(f"/r/{link}").status_code == 200
    assert client.post(f"/r/{link}/accept", json={}).status_code == 200
    bad = client.post(f"/r/{link}/arrive", json={"position": {"lat": "north"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "position"
    far = {"lat": 22.55, "lng": 113.93, "accuracy": 10}  # about 1.1 km from the lift
    assert client.post(f"/r/{link}/arrive", json={"position": far}).status_code == 200
    (arrived,) = [e for e in services.tickets.history(UUID(ticket_id))
                  if isinstance(e, Ticket.ArrivedOnSite)]
    assert arrived.proof == "reported" and 1000 < arrived.proof_detail["distance_m"] < 1200
    # A wrong link and an expired one (its ticket cancelled) answer the same page.
    wrong = client.get("/r/" + "x" * 32)
    cancel = client.post(f"/v1/tickets/{ticket_id}/cancel", json={"reason": "false_alarm"})
    assert cancel.status_code == 200, cancel.text
    stored = len(events(client, ticket_id))
    expired = client.get(f"/r/{link}")
    assert wrong.status_code == expired.status_code == 404 and wrong.text == expired.text
    assert client.post(f"/r/{link}/accept", json={}).status_code == 404
    assert client.get("/r/" + "y" * 32).status_code == 429  # the address missed 3 times
    assert len(events(client, ticket_id)) == stored  # the refused taps stored nothing
