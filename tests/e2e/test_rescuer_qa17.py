"""Issue 17 under stress, as QA found it: two workers accepting at once, a tap resent while the
first is still being recorded, a position that is not a number, a link in a refusal's log."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from structlog.testing import capture_logs

from adapters.cli.main import dev_public_url
from adapters.http.rescuer import routes
from adapters.postgres.rescuer_links import links_store
from adapters.postgres.tokens import digest
from adapters.runtime.settings import Settings
from dispatch.commands import AssignResponder, Context
from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.e2e.rescuer_helpers import alarm, bound_lift, texted_links
from tests.e2e.test_console_unit_station_forms import console_as
from tests.live import dispatcher_running, wait_for

NEAR = {"lat": 22.54, "lng": 113.93}


@pytest.fixture()
def settings(settings):
    return settings.model_copy(update={"max_body_bytes": 2048, "rescuer_link_max_misses": 4})


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


def _station_with_lifts(client, unit_name: str, numbers: tuple[int, ...]) -> list[str]:
    unit = make_unit(client, unit_name)
    station = make_station(client, unit, f"{unit_name}站")
    codes = [make_lift(client, unit, n, location=NEAR) for n in numbers]
    bound = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": codes})
    assert bound.status_code == 200, bound.text
    client.get("/v1/lifts", params={"after": bound.json()["notification_id"]})
    return [unit, station, *codes]


def test_proven_share_per_unit_and_station_and_a_corrected_arrival_is_not_proof(
        client, token_for):
    services = client.app.state.services
    unit1, station1, lift1, lift2 = _station_with_lifts(client, "甲维保", (1, 2))
    unit2, station2, lift3 = _station_with_lifts(client, "乙维保", (3,))
    with dispatcher_running(services):
        tickets = [alarm(client, code, f"share-{code}") for code in (lift1, lift2, lift3)]
        links = [next(iter(texted_links(services, t, 1).values()))["link"] for t in tickets]
        share = _arrive_then_count(client, tickets, links)
    rows = {(r["unit_id"], r["station_id"]): (r["arrivals"], r["proven"], r["share"])
            for r in share["items"]}
    assert rows == {(unit1, station1): (2, 1, 0.5), (unit2, station2): (1, 0, 0.0)}
    assert (share["proven"], share["share"]) == (1, 0.3333)
    mine = client.get("/v1/reports/arrival-proof", headers=token_for("unit", unit_id=unit2))
    assert [r["station_id"] for r in mine.json()["items"]] == [station2]
    desk, _ = console_as(client.app, "operator")
    proof = desk.get(f"/console/tickets/{tickets[1]}").text.split('data-testid="arrival-proof"')[1]
    assert "定位到场 (gps) · 时间经人工更正" in proof.split("</dd>")[0]
    table = desk.get("/console/stats").text.split('data-testid="arrival-proof-table"')[1]
    row = table.split(f'data-station="{station1}"')[1].split("</tr>")[0]
    assert "<td>2</td><td>1</td><td>50%</td>" in row


def _arrive_then_count(client, tickets: list[str], links: list[str]) -> dict:
    """Two arrive by GPS (the second's time then corrected by hand), the third is reported."""
    here = {"position": {**NEAR, "accuracy": 15}}
    for link in links[:2]:  # both arrive on site by GPS
        assert client.post(f"/r/{link}/arrive", json=here).status_code == 200
    # The second ticket's arrival time is then typed in by an operator: no longer proven.
    arrived = kinds(client, tickets[1], "ArrivedOnSite")[0]["occurred_at"]
    fixed = client.post(f"/v1/tickets/{tickets[1]}/corrections", json={
        "node": "arrived", "new": arrived, "reason": "desk"})
    assert fixed.status_code == 200, fixed.text
    assert client.post(f"/v1/tickets/{tickets[2]}/arrive", json={}).status_code == 200

    def settled():
        share = client.get("/v1/reports/arrival-proof").json()
        return share if share["arrivals"] == 3 and share["proven"] < 2 else None

    share = wait_for(settled, seconds=30)
    return share


@pytest.mark.parametrize("drift", [timedelta(minutes=5), timedelta(minutes=-20)])
def test_a_phone_clock_that_runs_fast_or_slow_records_the_true_tap_time(client, ticket, drift):
    ticket_id, (link, _) = ticket
    now = datetime.now(UTC)
    phone = now + drift  # the phone's clock: 5 min fast (refused as future) or 20 min slow
    tapped = client.post(f"/r/{link}/accept", json={"at": phone.isoformat()},
                         headers={"X-Phone-Clock": phone.isoformat(), "Idempotency-Key": "c1"})
    assert tapped.status_code == 200, tapped.text
    (accepted,) = kinds(client, ticket_id, "ResponderAssigned")
    at = datetime.fromisoformat(accepted["occurred_at"])
    assert abs(at - now) < timedelta(seconds=5)


def test_guessing_links_through_the_cookie_is_limited_too(client, ticket):
    ticket_id, (link, _) = ticket
    services = client.app.state.services
    code = services.tickets.ticket(UUID(ticket_id)).lift["registration_code"]
    limit = services.settings.rescuer_link_max_misses
    for n in range(limit):  # the QR label page tried with made-up rescuer cookies
        client.cookies.set("rescuer_link", f"{n:02d}" + "g" * 30)
        assert client.get(f"/p/lifts/{code}", follow_redirects=False).status_code == 200
    client.cookies.clear()
    assert client.get(f"/r/{link}").status_code == 429


def test_a_link_made_but_never_texted_is_replaced_on_the_retry(client):
    services = client.app.state.services
    links = links_store(services.pool, services.settings)
    first = links.issue("t-1", "s-1", "w-1", "t-1:link:2:w-1")  # then the process stopped
    again = links.issue("t-1", "s-1", "w-1", "t-1:link:2:w-1")
    assert again is not None and again != first
    assert links.find(first.rsplit("/", 1)[1]) is None  # nobody holds it: gone
    assert links.find(again.rsplit("/", 1)[1]).worker_id == "w-1"
    services.sms.send("t-1:link:2:w-1", "t-1", [], "texted")
    assert links.issue("t-1", "s-1", "w-1", "t-1:link:2:w-1") is None  # texted: never twice


def test_dev_texts_links_to_the_port_it_serves_on():
    served = dev_public_url(Settings(port=18917))
    assert served.public_base_url == "http://127.0.0.1:18917"
    configured = Settings(port=18917, public_base_url="https://rescue.example.cn")
    assert dev_public_url(configured).public_base_url == "https://rescue.example.cn"


def test_the_overtime_download_carries_the_arrival_proof(client):
    csv = client.get("/v1/overtime", params={"format": "csv"})
    assert csv.status_code == 200, csv.text
    header = csv.text.lstrip("\ufeff").splitlines()[0]
    assert header.split(",")[-1].startswith("到场证明")
