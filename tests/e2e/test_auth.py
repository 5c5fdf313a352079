"""Bearer tokens and roles on the ticket API (the full cross-unit matrix lives with the registry)."""

import pytest

ALARM = {"lift": "44030000000000012345", "source": "96333", "source_ref": "auth-1"}
COMMANDS = [  # (path suffix, body, roles allowed)
    ("notify", {}, {"admin", "operator"}),
    ("escalate", {"reason": "no answer"}, {"admin", "operator"}),
    ("cancel", {"reason": "false_alarm"}, {"admin", "operator"}),
    ("close", {}, {"admin", "operator"}),
    ("callback", {"confirmed_by": "trapped_person"}, {"admin", "operator"}),
    ("corrections", {"node": "received", "new": "2026-01-01T00:00:00Z", "reason": "x"},
     {"admin", "operator"}),
    ("assign", {"responder": {"name": "w", "mobile": "13912345678"}},
     {"admin", "operator", "unit"}),
    ("arrive", {}, {"admin", "operator", "unit"}),
    ("release", {"released_count": 1, "released_by": "property"}, {"admin", "operator", "unit"}),
    ("fault-report", {"cause": {"root": "3", "sub": "302"}, "description": "x"},
     {"admin", "operator", "unit"}),
]


def test_no_token_or_a_bad_one_is_401(anonymous_client, count_events):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = anonymous_client.post("/v1/alarms", json=ALARM, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"].startswith("application/problem+json")
    assert anonymous_client.get("/healthz").status_code == 200  # probes stay open
    assert count_events() == 0


def test_revoked_token_stops_working(anonymous_client, token_for):
    from adapters.postgres import tokens as token_module

    services = anonymous_client.app.state.services
    token, principal = services.tokens.create(role="operator", name="ops")
    headers = {"Authorization": f"Bearer {token}"}
    assert anonymous_client.post("/v1/alarms", json=ALARM, headers=headers).status_code == 201
    assert services.tokens.revoke(principal.token_id)
    assert token_module.CACHE_SECONDS > 0  # revoke clears this process's cache at once
    assert anonymous_client.get("/v1/tickets/00000000-0000-4000-8000-000000000000",
                                headers=headers).status_code == 401


def test_tokens_are_stored_hashed(anonymous_client, database_url):
    import psycopg

    token, _ = anonymous_client.app.state.services.tokens.create(role="auditor", name="a")
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT token_hash FROM api_tokens").fetchall()
    assert stored and all(token not in row[0] for row in stored)


@pytest.mark.parametrize("role", ["admin", "operator", "unit", "auditor"])
def test_alarm_intake_is_for_operators(anonymous_client, token_for, count_events, role):
    headers = token_for(role, unit_id="u-1" if role == "unit" else None)
    response = anonymous_client.post("/v1/alarms", json=ALARM, headers=headers)
    assert response.status_code == (201 if role in {"admin", "operator"} else 403)
    assert count_events() == (1 if role in {"admin", "operator"} else 0)


@pytest.mark.parametrize(("suffix", "body", "allowed"), COMMANDS)
@pytest.mark.parametrize("role", ["operator", "unit", "auditor"])
def test_command_role_matrix(client, token_for, count_events, suffix, body, allowed, role):
    """Forbidden roles get 403 and store nothing; a unit never reaches an unknown lift's ticket."""
    ticket_id = client.post("/v1/alarms", json=ALARM).json()["ticket_id"]
    before = count_events()
    headers = token_for(role, unit_id="u-1" if role == "unit" else None)
    response = client.post(f"/v1/tickets/{ticket_id}/{suffix}", json=body, headers=headers)
    if role not in allowed:
        assert response.status_code == 403
    elif role == "unit":
        assert response.status_code == 404  # unknown lift: belongs to no unit
    else:
        assert response.status_code in {200, 409}, response.text
        assert response.status_code != 200 or count_events() == before + 1
    if response.status_code != 200:
        assert count_events() == before


def test_auditor_reads_everything_and_events_name_the_actor(client, token_for):
    operator = token_for("operator", name="desk-7")
    ticket_id = client.post("/v1/alarms", json=ALARM, headers=operator).json()["ticket_id"]
    auditor = token_for("auditor")
    assert client.get(f"/v1/tickets/{ticket_id}", headers=auditor).status_code == 200
    events = client.get(f"/v1/tickets/{ticket_id}/events", headers=auditor).json()
    assert events[0]["actor"] == "operator:desk-7"
    unit = token_for("unit", unit_id="u-1")
    assert client.get(f"/v1/tickets/{ticket_id}", headers=unit).status_code == 404
    assert client.get(f"/v1/tickets/{ticket_id}/events", headers=unit).status_code == 404
