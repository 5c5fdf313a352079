"""Issue 14 as its users met it (QA wave): what an operator, a unit user or an auditor saw
that was wrong, one test each."""

import re

import pytest

WINDOWED = ["/v1/tickets", "/v1/overtime", "/v1/stats/tickets?group_by=unit",
            "/v1/stats/entrapment-rate", "/v1/stats/lifts", "/v1/stats/units",
            "/v1/stats/indicators"]


@pytest.mark.parametrize("path", WINDOWED)
def test_a_window_ending_before_it_starts_is_refused_naming_to(client, path):
    """`from` after `to` answered 200 with nothing, as if no ticket had ever been received."""
    sep = "&" if "?" in path else "?"
    reversed_window = client.get(f"{path}{sep}from=2026-11-24T05:00:00%2B08:00"
                                 "&to=2026-11-20T00:00:00%2B08:00")
    assert reversed_window.status_code == 422, reversed_window.text
    problem = reversed_window.json()
    assert [e["field"] for e in problem["errors"]] == ["query.to"]
    assert "须晚于 from" in problem["detail"] and "later than from" in problem["detail"]
    in_order = client.get(f"{path}{sep}from=2026-11-20T00:00:00%2B08:00"
                          "&to=2026-11-24T05:00:00Z")
    assert in_order.status_code == 200, in_order.text


def _released_without_report(client, lift: str, ref: str) -> int:
    """A ticket released with no rescue method and no fault report; its notification id."""
    made = client.post("/v1/alarms", json={"lift": lift, "source": "96333", "source_ref": ref,
                                           "received_at": "2026-11-20T08:00:00+08:00",
                                           "dispatch": "external"})
    assert made.status_code == 201, made.text
    ticket = made.json()["ticket_id"]
    for command, body in (("notify", {"at": "2026-11-20T08:01:00+08:00"}),
                          ("arrive", {"at": "2026-11-20T08:20:00+08:00"}),
                          ("release", {"released_count": 1, "released_by": "rescuer",
                                       "at": "2026-11-20T08:25:00+08:00"})):
        done = client.post(f"/v1/tickets/{ticket}/{command}", json=body)
        assert done.status_code == 200, done.text
    return done.json()["notification_id"]


def test_released_tickets_missing_a_report_or_method_export_like_every_list(
        client, token_for, views):
    """The data-gaps page's two ticket lists had no export (format=csv was a 422)."""
    import csv
    import io

    import openpyxl

    from tests.e2e.registry_helpers import code, make_unit

    units = [make_unit(client, "甲维保"), make_unit(client, "乙维保")]
    for n, unit in enumerate(units, start=1):
        made = client.put(f"/v1/lifts/{code(n)}", json={
            "unit_id": unit, "using_unit": {"code": f"U{n}", "name": f"物业{n}"},
            "address": f"科苑路 {n} 号", "district": "南山区"})
        assert made.status_code == 201, made.text
    last = max(_released_without_report(client, code(n), f"R{n}") for n in (1, 2))
    assert client.get("/v1/tickets", params={"after": last}).status_code == 200
    unit_a = token_for("unit", unit_id=units[0])
    for path in ("/v1/fault-reports/missing", "/v1/rescue-methods/missing"):
        as_csv = client.get(path, params={"format": "csv"}, headers=unit_a)
        assert as_csv.status_code == 200, as_csv.text
        assert as_csv.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        assert rows[0][0] == "工单号 / Ticket no." and [r[1] for r in rows[1:]] == [code(1)]
        assert rows[1][3] == "2026-11-20 08:25:00"  # the city's time
        as_xlsx = client.get(path, params={"format": "xlsx"})
        assert as_xlsx.status_code == 200, as_xlsx.text
        sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
        assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True)) == [
            code(1), code(2)]
    from tests.e2e.test_ticket_search import console_get

    page = console_get(client, "/console/data-gaps")
    assert page.status_code == 200
    for path in ("/v1/fault-reports/missing", "/v1/rescue-methods/missing"):
        assert f'href="{path}?format=csv"' in page.text


def test_console_dynamics_shows_the_city_and_search_says_when_dates_are_reversed(client, views):
    """困人动态 opened empty for an operator until a unit was chosen (the API answers the city's
    latest 15); a search whose end date was before its start date listed nothing, silently."""
    from tests.e2e.registry_helpers import code, make_unit
    from tests.e2e.test_ticket_search import console_get

    unit = make_unit(client, "丙维保")
    made = client.put(f"/v1/lifts/{code(1)}", json={
        "unit_id": unit, "using_unit": {"code": "U1", "name": "物业1"},
        "address": "科苑路 1 号", "district": "南山区"})
    assert made.status_code == 201, made.text
    last = _released_without_report(client, code(1), "D1")
    ticket_no = client.get("/v1/tickets", params={"after": last}).json()["items"][0]["ticket_no"]
    dynamics = console_get(client, "/console/dynamics")
    assert dynamics.status_code == 200
    assert ticket_no in dynamics.text and 'data-testid="dynamics-city"' in dynamics.text
    assert 'href="/v1/dynamics?format=csv"' in dynamics.text
    reversed_dates = console_get(client, "/console/search", **{"from": "2026-11-21",
                                                                "to": "2026-11-19"})
    assert reversed_dates.status_code == 400
    assert "截止日期早于起始日期" in reversed_dates.text and ticket_no in reversed_dates.text
    in_order = console_get(client, "/console/search", **{"from": "2026-11-19",
                                                          "to": "2026-11-21"})
    assert in_order.status_code == 200 and ticket_no in in_order.text


def test_the_ticket_sheet_names_the_rescue_method_and_callback(client):
    """The printable sheet left out the rescue method and the callback (回访确认), and its
    timeline read `rescue_method: 1`, `confirmed_by: trapped_person`, `side: maintenance`."""
    from tests.e2e.test_ticket_search import console_get

    made = client.post("/v1/alarms", json={"lift": "44030000000000054321", "source": "96333",
                                           "source_ref": "S1", "dispatch": "external",
                                           "received_at": "2026-11-20T08:00:00+08:00"})
    ticket = made.json()["ticket_id"]
    for command, body in (("notify", {"at": "2026-11-20T08:01:00+08:00"}),
                          ("arrive", {"at": "2026-11-20T08:20:00+08:00"}),
                          ("release", {"released_count": 1, "released_by": "rescuer",
                                       "rescue_method": "2", "at": "2026-11-20T08:25:00+08:00"}),
                          ("callback", {"confirmed_by": "trapped_person", "note": "已确认",
                                        "at": "2026-11-20T09:00:00+08:00"}),
                          ("close", {"at": "2026-11-20T09:05:00+08:00"})):
        done = client.post(f"/v1/tickets/{ticket}/{command}", json=body)
        assert done.status_code == 200, done.text
    for path in (f"/console/tickets/{ticket}/print", f"/console/tickets/{ticket}/history"):
        page = console_get(client, path)
        assert page.status_code == 200
        raw = re.findall(r"[；>]\s*(rescue_method|confirmed_by|side|proof|proof_detail)\s*[:<]",
                         page.text)
        assert raw == [], (path, raw)
        assert "2 手动盘车放人" in page.text
        assert "被困人员 trapped person" in page.text
    sheet = console_get(client, f"/console/tickets/{ticket}/print").text
    assert 'data-testid="close-loop"' in sheet and "2026-11-20 09:00:00" in sheet


def test_console_search_offers_stations_by_name(client, views):
    """The search page's station filter was a box for a station's UUID, which no operator
    knows, and the district a box matched exactly (南山 found nothing); both are lists now."""
    from tests.e2e.registry_helpers import code, make_station, make_unit
    from tests.e2e.test_ticket_search import console_get

    unit, other = make_unit(client, "戊维保"), make_unit(client, "己维保")
    station = make_station(client, unit, "戊南山站", districts=("南山区",))
    make_station(client, other, "己福田站", districts=("福田区",))
    made = client.put(f"/v1/lifts/{code(1)}", json={
        "unit_id": unit, "using_unit": {"code": "U1", "name": "物业1"},
        "address": "科苑路 1 号", "district": "南山区"})
    assert made.status_code == 201, made.text
    assert client.post(f"/v1/stations/{station}/bind",
                       json={"registration_codes": [code(1)]}).status_code == 200
    last = _released_without_report(client, code(1), "F1")
    ticket_no = client.get("/v1/tickets", params={"after": last}).json()["items"][0]["ticket_no"]
    page = console_get(client, "/console/search", station_id=station)
    options = re.findall(r'<option value="([^"]*)"\s*(selected)?>([^<]*)</option>',
                         page.text.split('data-testid="search-station"')[1].split("</select>")[0])
    assert ("", "", "全部 Any") in options and (station, "selected", "戊南山站") in options
    assert any(name == "己福田站" for _, _, name in options), options
    assert ticket_no in page.text
    by_district = console_get(client, "/console/search", district="南山区")
    district_box = by_district.text.split('data-testid="search-district"')[1].split("</select>")[0]
    assert re.search(r'<option value="南山区"\s*selected>南山区</option>', district_box)
    assert '<option value="福田区"' in district_box and ticket_no in by_district.text


@pytest.mark.parametrize("page", ["/console/stats", "/console/overtime"])
def test_console_statistics_say_when_dates_are_reversed(client, page):
    """Statistics and overtime with the end date before the start showed zeros, silently."""
    from tests.e2e.test_ticket_search import console_get

    reversed_dates = console_get(client, page, **{"from": "2026-11-21", "to": "2026-11-19"})
    assert reversed_dates.status_code == 400
    assert "截止日期早于起始日期" in reversed_dates.text
    assert console_get(client, page, **{"from": "2026-11-19", "to": "2026-11-19"}).status_code \
        == 200


@pytest.mark.parametrize("raw", ["-received_at|2026-11-24T00:00:00+00:00|aa\x00",
                                 "-received_at|2026-11-24T00:00:00|x"])
def test_a_forged_cursor_is_refused_naming_it(client, raw):
    """A hand-made cursor with a NUL answered "a value cannot be stored", one without a time
    zone an empty page; both are a 422 naming `cursor`, like any cursor this list never wrote."""
    import base64

    forged = base64.urlsafe_b64encode(raw.encode()).decode()
    answer = client.get("/v1/tickets", params={"cursor": forged})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["query.cursor"]
