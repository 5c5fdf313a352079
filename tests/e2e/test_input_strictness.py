"""Input that used to slip through or crash: odd times, bools as counts, non-ASCII digits,
explicit nulls, unknown units, and pages that rendered raw JSON (issue 12, items 9 and 14)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from adapters.http.console.session import COOKIE
from tests.e2e.registry_helpers import make_unit

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
LIFT = "44030000000000012345"
YEAR_1, YEAR_9999 = "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-05:00"


def iso(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def alarm(ref: str = "CC-1", **extra) -> dict:
    return {"lift": LIFT, "source": "96333", "source_ref": ref, "received_at": iso(0),
            "trapped_count": 2, "caller": {"name": "李女士", "phone": "13812345678"}} | extra


def opened(client, ref: str = "CC-1") -> str:
    response = client.post("/v1/alarms", json=alarm(ref))
    assert response.status_code == 201, response.text
    return response.json()["ticket_id"]


def notified(client, ref: str = "CC-1") -> str:
    ticket_id = opened(client, ref)
    response = client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": iso(1)})
    assert response.status_code == 200, response.text
    return ticket_id


def refused(response, field: str) -> dict:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert field in body["detail"], body
    return body


# ---- item 9: history and dossier of a corrected ticket ---------------------------------------
def corrected_ticket(client) -> str:
    ticket_id = notified(client)
    assign = {"responder": {"name": "王师傅", "mobile": "13912345678"}, "at": iso(3)}
    assert client.post(f"/v1/tickets/{ticket_id}/assign", json=assign).status_code == 200
    correction = {"node": "received", "new": iso(-1), "reason": "接警员补录时间"}
    response = client.post(f"/v1/tickets/{ticket_id}/corrections", json=correction)
    assert response.status_code == 200, response.text
    return ticket_id


def assert_readable(html: str) -> None:
    assert "\\u" not in html and '"reason":' not in html  # no JSON dump, no escapes
    assert "接警员补录时间" in html and "时间更正" in html and "原因 Reason" in html
    # the corrected time, in Asia/Shanghai (UTC+8), as a labelled field
    shanghai = (T0 - timedelta(minutes=1) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    assert re.search(r"<dt>新时间 Now</dt><dd>" + re.escape(shanghai) + "</dd>", html), html
    assert "<dt>报警人 Caller · 电话 Phone</dt><dd>138****5678</dd>" in html
    assert "<dt>响应人 Responder · 手机 Mobile</dt><dd>139****5678</dd>" in html
    assert "13812345678" not in html and "13912345678" not in html


def test_dossier_page_of_a_corrected_ticket_shows_labelled_fields(client):
    ticket_id = corrected_ticket(client)
    response = client.get(f"/v1/tickets/{ticket_id}/dossier.html")
    assert response.status_code == 200, response.text
    assert_readable(response.text)


def test_console_history_of_a_corrected_ticket_shows_labelled_fields(client):
    ticket_id = corrected_ticket(client)
    session = client.app.state.services.sessions.open(
        client.headers["Authorization"].removeprefix("Bearer "))
    response = client.get(f"/console/tickets/{ticket_id}/history",
                          headers={"Cookie": f"{COOKIE}={session}"}, follow_redirects=False)
    assert response.status_code == 200, response.text
    assert_readable(response.text)


# ---- item 9: years 1 and 9999 ----------------------------------------------------------------
@pytest.mark.parametrize("value", [YEAR_1, YEAR_9999, "1999-12-31T23:59:59+00:00"])
def test_alarm_received_at_out_of_range_is_422_naming_it(client, count_events, value):
    refused(client.post("/v1/alarms", json=alarm(received_at=value)), "received_at")
    assert count_events() == 0


@pytest.mark.parametrize("value", [YEAR_1, YEAR_9999])
def test_correction_or_node_time_out_of_range_is_422_naming_it(client, count_events, value):
    ticket_id = notified(client)
    before = count_events()
    body = {"node": "notified", "new": value, "reason": "typo"}
    refused(client.post(f"/v1/tickets/{ticket_id}/corrections", json=body), "new")
    refused(client.post(f"/v1/tickets/{ticket_id}/corrections",
                        json={"node": "notified", "new": iso(2), "reason": "x", "at": value}),
            "at")
    refused(client.post(f"/v1/tickets/{ticket_id}/arrive", json={"at": value}), "at")
    assert count_events() == before


@pytest.mark.parametrize("path", ["/v1/tickets", "/v1/overtime", "/v1/stats/lifts",
                                  "/v1/stats/entrapment-rate", "/v1/stats/tickets?group_by=unit"])
def test_query_windows_beyond_any_ticket_are_clamped_not_500(client, path):
    """`to=9999-…` meant "no upper bound" before: it still does (clamped, same answer)."""
    opened(client)
    joiner = "&" if "?" in path else "?"
    unbounded = client.get(path)
    assert unbounded.status_code == 200, unbounded.text
    for query in ("from=0001-01-01T00:00:00%2B08:00", "to=9999-12-31T23:59:59-05:00",
                  "from=0001-01-01T00:00:00%2B08:00&to=9999-12-31T23:59:59-05:00"):
        extreme = client.get(f"{path}{joiner}{query}")
        assert extreme.status_code == 200, (query, extreme.text)
        if "stats" in path:
            assert extreme.json() == unbounded.json(), query


@pytest.mark.parametrize("page", ["stats", "overtime"])
@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "from=2026-13-01"])
def test_console_report_with_extreme_dates_says_so_instead_of_failing(client, page, query):
    session = client.app.state.services.sessions.open(
        client.headers["Authorization"].removeprefix("Bearer "))
    response = client.get(f"/console/{page}?{query}", headers={"Cookie": f"{COOKIE}={session}"},
                          follow_redirects=False)
    assert response.status_code == 400, response.text
    assert "showing the last 30 days" in response.text
    expected = "YYYY-MM-DD" if "13" in query else "between 1970-01-01 and 2099-12-31"
    assert expected in response.text


# ---- item 14: booleans are not counts ---------------------------------------------------------
def test_booleans_are_not_counts(client, count_events):
    refused(client.post("/v1/alarms", json=alarm(trapped_count=True)), "trapped_count")
    refused(client.post("/v1/alarms", json=alarm(trapped_count=2.0)), "trapped_count")
    ticket_id = opened(client)
    before = count_events()
    refused(client.post(f"/v1/tickets/{ticket_id}/notify", json={"level": True}), "level")
    refused(client.post(f"/v1/tickets/{ticket_id}/release",
                        json={"released_count": False, "released_by": "self"}),
            "released_count")
    assert count_events() == before


# ---- item 14: only ASCII digits in codes ------------------------------------------------------
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULLWIDTH], ids=["arabic-indic", "fullwidth"])
def test_codes_take_only_ascii_digits(client, count_events, digits):
    refused(client.post("/v1/alarms", json=alarm(lift=LIFT.translate(digits))), "lift")
    refused(client.post("/v1/alarms", json=alarm(lift="123456".translate(digits))), "lift")
    refused(client.post("/v1/alarms", json=alarm(
        caller={"phone": "13812345678".translate(digits)})), "caller.phone")
    ticket_id = notified(client)
    before = count_events()
    refused(client.post(f"/v1/tickets/{ticket_id}/assign", json={
        "responder": {"name": "王", "mobile": "13912345678".translate(digits)}}),
        "responder.mobile")
    assert count_events() == before


def test_domain_code_patterns_take_only_ascii_digits_and_no_trailing_newline():
    from domain.values import MOBILE, REGISTRATION_CODE, RESCUE_CODE

    for pattern, good in [(MOBILE, "13812345678"), (REGISTRATION_CODE, LIFT),
                          (RESCUE_CODE, "123456")]:
        assert pattern.match(good)
        assert not pattern.match(good.translate(ARABIC_INDIC))
        assert not pattern.match(good.translate(FULLWIDTH))
        assert not pattern.match(good + "\n")


def test_fault_cause_codes_take_only_ascii_digits(client):
    ticket_id = notified(client)
    client.post(f"/v1/tickets/{ticket_id}/release",
                json={"released_count": 2, "released_by": "self", "at": iso(5)})
    response = client.post(f"/v1/tickets/{ticket_id}/fault-report", json={
        "cause": {"root": "٠٣", "sub": "01"}, "description": "门锁"})
    refused(response, "cause.root")


# ---- item 14: explicit nulls that mean nothing -------------------------------------------------
@pytest.mark.parametrize("caller", [{"name": None}, {"phone": None}, {"name": "李", "phone": None}])
def test_explicit_null_inside_the_caller_is_422(client, count_events, caller):
    refused(client.post("/v1/alarms", json=alarm(caller=caller)), "caller.")
    assert count_events() == 0


def test_explicit_null_inside_the_responder_is_422(client, count_events):
    ticket_id = notified(client)
    before = count_events()
    for responder in [{"name": None, "mobile": "13912345678"},
                      {"name": "王", "mobile": "13912345678", "worker_id": None}]:
        refused(client.post(f"/v1/tickets/{ticket_id}/assign", json={"responder": responder}),
                "responder.")
    assert count_events() == before


# ---- item 14: Kafka intake messages follow the same rules --------------------------------------
@pytest.mark.parametrize("message", [
    {"kind": "alarm", "lift": LIFT, "source": "iot", "source_ref": "k1", "trapped_count": True},
    {"kind": "alarm", "lift": "٤" * 20, "source": "iot", "source_ref": "k2"},
    {"kind": "alarm", "lift": LIFT, "source": "iot", "source_ref": "k3",
     "caller": {"name": None}},
    {"kind": "release", "source": "iot", "source_ref": "k4", "at": "2026-11-22T08:40:00+08:00",
     "released_count": True, "released_by": "self"},
])
def test_intake_messages_refuse_bools_odd_digits_and_nulls(message):
    import json

    from adapters.kafka.intake_messages import parse

    reason = parse(json.dumps(message).encode())
    assert isinstance(reason, str), reason  # a reason means: dead-lettered, not applied
    assert any(key in reason for key in ("trapped_count", "lift", "caller", "released_count"))


# ---- item 14: no token for a unit that does not exist -----------------------------------------
def run_cli(monkeypatch, database_url, *argv: str) -> int:
    from adapters.cli.main import parser
    from adapters.runtime.settings import Settings

    monkeypatch.setenv("LIFTRESCUE_DATABASE_URL", database_url)
    args = parser().parse_args(["tokens", *argv])
    try:
        args.run(args, Settings())
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def test_unit_token_for_an_unknown_unit_is_refused(client, database_url, monkeypatch, capsys):
    tokens = client.app.state.services.tokens
    before = len(tokens.list())
    for unknown in ["X", "6f2c1d52-8a4e-5b0c-9d1e-6c1a7f3e2b90"]:
        code = run_cli(monkeypatch, database_url, "create", "--role", "unit", "--unit", unknown)
        assert code != 0
        assert f"no maintenance unit '{unknown}'" in capsys.readouterr().err
    assert len(tokens.list()) == before
    unit_id = make_unit(client)
    assert run_cli(monkeypatch, database_url, "create", "--role", "unit", "--unit", unit_id) == 0
    assert "shown once" in capsys.readouterr().out
    assert [row["unit_id"] for row in tokens.list()][-1] == unit_id
    assert run_cli(monkeypatch, database_url, "revoke", "not-a-uuid") != 0
    assert "not a token id" in capsys.readouterr().err
