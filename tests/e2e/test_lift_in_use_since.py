"""A lift's 使用登记 date (in_use_since): statistics count it from then, not from when the
registry was loaded into our system (issue 15, the go-live import)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from adapters.postgres.lifts_in_service import lifts_in_service
from tests.e2e.registry_helpers import code, lift_body, make_lift, make_unit

CHINA = ZoneInfo("Asia/Shanghai")


def _this_month() -> datetime:
    """00:00 on the 1st of this month, Shanghai: the end of a window ending last month."""
    return datetime.now(CHINA).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def test_lift_counts_from_its_in_use_date_not_its_record_time(client, views, database_url):
    unit = make_unit(client, name="使用登记维保")
    two_years_back = (datetime.now(CHINA).date() - timedelta(days=730)).isoformat()
    make_lift(client, unit, 1501, in_use_since=two_years_back)
    make_lift(client, unit, 1502)  # no 使用登记 date: counts from its registration here
    shown = client.get(f"/v1/lifts/{code(1501)}")
    assert shown.status_code == 200 and shown.json()["in_use_since"] == two_years_back
    assert client.get(f"/v1/lifts/{code(1502)}").json()["in_use_since"] is None
    listed = client.get("/v1/lifts", params={"unit_id": unit}).json()["items"]
    assert {row["registration_code"]: row["in_use_since"] for row in listed} == {
        code(1501): two_years_back, code(1502): None}

    last_month_end = _this_month()
    with psycopg.connect(database_url) as conn:
        assert lifts_in_service(conn, last_month_end, unit_id=unit) == 1
        assert lifts_in_service(conn, datetime.now(UTC) + timedelta(seconds=1),
                                unit_id=unit) == 2
        # Counted from 00:00 of its 使用登记 day, Shanghai: not the moment before.
        day = datetime.combine(date.fromisoformat(two_years_back), datetime.min.time(), CHINA)
        assert lifts_in_service(conn, day, unit_id=unit) == 0
        assert lifts_in_service(conn, day + timedelta(seconds=1), unit_id=unit) == 1
    window = client.get("/v1/stats/entrapment-rate", params={
        "unit_id": unit, "from": (last_month_end - timedelta(days=28)).isoformat(),
        "to": last_month_end.isoformat()})
    assert window.status_code == 200 and window.json()["lifts_in_service"] == 1, window.text

    # A revision that drops the date counts the lift from its registration again.
    revised = client.put(f"/v1/lifts/{code(1501)}", json=lift_body(unit))
    assert revised.status_code == 200 and revised.json()["in_use_since"] is None, revised.text
    client.get("/v1/lifts", params={"after": revised.json()["notification_id"]})
    with psycopg.connect(database_url) as conn:
        assert lifts_in_service(conn, last_month_end, unit_id=unit) == 0


def test_a_bad_in_use_date_is_refused_and_nothing_stored(client, count_events):
    unit = make_unit(client, name="日期维保")
    events = count_events("registry_events")
    tomorrow = (datetime.now(CHINA).date() + timedelta(days=1)).isoformat()
    for bad, says in ((tomorrow, "至今天"), ("1949-12-31", "1950-01-01"),
                      ("2024-02-30", "日期")):
        refused = client.put(f"/v1/lifts/{code(1503)}",
                             json=lift_body(unit, in_use_since=bad))
        assert refused.status_code == 422, (bad, refused.text)
        problem = refused.json()
        assert [e["field"] if "field" in e else e["loc"][-1]
                for e in problem["errors"]] == ["in_use_since"], problem
        text = problem["errors"][0]["msg"]
        assert says in text and text[0] > "\u2e80", (bad, text)  # Chinese first
    assert count_events("registry_events") == events
    assert client.get(f"/v1/lifts/{code(1503)}").status_code == 404


def test_console_form_and_csv_import_set_the_in_use_date(client, count_events):
    from adapters.cli.import_rows import IMPORTERS, RowError
    from dispatch.commands import Context
    from tests.e2e.test_console_unit_station_forms import console_as

    unit = make_unit(client, name="表单维保")
    make_lift(client, unit, 1504)
    browser, csrf = console_as(client.app, "unit", unit)
    form = {"using_unit_code": "U-1", "using_unit_name": "物业U-1", "address": "海德三道 88 号",
            "district": "南山区", "csrf_token": csrf}
    page = browser.get(f"/console/registry/lifts/{code(1504)}").text
    assert 'name="in_use_since"' in page
    events = count_events("registry_events")
    refused = browser.post(f"/console/registry/lifts/{code(1504)}",
                           data={**form, "in_use_since": "1900-01-01"})
    assert "使用登记日期" in refused.text and count_events("registry_events") == events
    saved = browser.post(f"/console/registry/lifts/{code(1504)}", follow_redirects=False,
                         data={**form, "in_use_since": "2012-05-20"})
    assert saved.status_code == 303, saved.text
    assert client.get(f"/v1/lifts/{code(1504)}").json()["in_use_since"] == "2012-05-20"
    assert 'value="2012-05-20"' in browser.get(f"/console/registry/lifts/{code(1504)}").text

    services, ctx = client.app.state.services, Context(actor="import:t", correlation_id="t")
    row = {"registration_code": code(1505), "unit_id": unit, "using_unit_code": "U-1",
           "using_unit_name": "物业U-1", "address": "地址", "district": "南山区"}
    with pytest.raises(RowError) as refused_row:
        IMPORTERS["lifts"](services, {**row, "in_use_since": "2099-01-01"}, ctx)
    assert [c for c, _ in refused_row.value.problems] == ["in_use_since"]
    IMPORTERS["lifts"](services, {**row, "in_use_since": "2016-03-01"}, ctx)
    assert client.get(f"/v1/lifts/{code(1505)}").json()["in_use_since"] == "2016-03-01"
