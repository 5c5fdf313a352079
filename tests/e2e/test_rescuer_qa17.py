"""Issue 17 under stress, as QA found it: two workers accepting at once, a tap resent while the
first is still being recorded, a position that is not a number, a link in a refusal's log."""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from structlog.testing import capture_logs

from adapters.http.rescuer import routes
from adapters.postgres.tokens import digest
from dispatch.commands import AssignResponder, Context
from tests.e2e.rescuer_helpers import alarm, bound_lift, texted_links
from tests.live import dispatcher_running


@pytest.fixture()
def settings(settings):
    return settings.model_copy(update={"max_body_bytes": 2048})


@pytest.fixture()
def ticket(client):
    """A notified ticket whose station has two workers: (ticket_id, [link, link])."""
    services = client.app.state.services
    _, code = bound_lift(client, workers=2, location={"lat": 22.54, "lng": 113.93})
    with dispatcher_running(services):
        ticket_id = alarm(client, code, "qa17")
        sent = texted_links(services, ticket_id, 2)
    return ticket_id, [m["link"] for m in sent.values()]


def kinds(client, ticket_id, kind):
    return [e for e in client.get(f"/v1/tickets/{ticket_id}/events").json()
            if e["type"] == kind]


def test_two_workers_accept_at_once_one_wins_the_other_is_told_who(client, ticket,
                                                                   monkeypatch):
    ticket_id, (first, second) = ticket
    services = client.app.state.services
    real = routes.resolve

    def raced(*args, **kwargs):
        found = real(*args, **kwargs)
        # The other worker's accept lands between this tap's check and its save.
        services.tickets.handle(AssignResponder(
            ticket_id=found.ticket.id, at=None, responder={"name": "先到者", "worker_id": "w-x"}),
            Context("rescuer:w-x", "race"))
        return found

    monkeypatch.setattr(routes, "resolve", raced)
    late = client.post(f"/r/{second}/accept", json={"at": datetime.now(UTC).isoformat()})
    monkeypatch.undo()
    assert late.status_code == 409, late.text
    assert "先到者" in late.json()["detail"]
    assigned = kinds(client, ticket_id, "ResponderAssigned")
    assert [e["data"]["responder"]["name"] for e in assigned] == ["先到者"]
    assert "先到者" in client.get(f"/r/{first}").text  # the page shows who, not the button


def test_a_tap_still_being_recorded_asks_the_phone_to_retry(client, ticket):
    ticket_id, (link, _) = ticket
    body = {"at": datetime.now(UTC).isoformat()}
    sent = json.dumps({"action": "accept", **body}, sort_keys=True, default=str).encode()
    # The first send of this tap is still in progress (its answer was lost to the phone).
    client.app.state.services.idempotency.claim(f"rescuer:{digest(link)}", "k-busy",
                                                hashlib.sha256(sent).hexdigest())
    busy = client.post(f"/r/{link}/accept", json=body, headers={"Idempotency-Key": "k-busy"})
    assert busy.status_code == 409 and busy.headers.get("retry-after") == "1"
    assert busy.json()["status"] == 409
    # The same key with another body is a real conflict: nothing to retry.
    other = client.post(f"/r/{link}/accept", json={"at": None},
                        headers={"Idempotency-Key": "k-busy"})
    assert other.status_code == 409 and "retry-after" not in other.headers
    assert kinds(client, ticket_id, "ResponderAssigned") == []


@pytest.mark.parametrize("accuracy", ["NaN", "Infinity", "-Infinity"])
def test_a_position_that_is_not_a_number_is_refused(client, ticket, accuracy):
    ticket_id, (link, _) = ticket
    for where in ({"lat": 22.54, "lng": 113.93, "accuracy": accuracy},
                  {"lat": accuracy, "lng": 113.93, "accuracy": 5}):
        refused = client.post(f"/r/{link}/arrive", json={"position": where})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "position"
    assert kinds(client, ticket_id, "ArrivedOnSite") == []


def test_a_refused_oversized_tap_does_not_log_the_link(client, ticket):
    _, (link, _) = ticket
    with capture_logs() as logs:
        too_big = client.post(f"/r/{link}/release", content=b"x" * 4096,
                              headers={"content-type": "application/json"})
    assert too_big.status_code == 413
    assert any(entry.get("event") == "request_body_too_large" for entry in logs)
    assert not any(link in str(entry) for entry in logs)
