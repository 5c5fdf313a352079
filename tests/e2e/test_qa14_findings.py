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


def test_a_password_typed_into_the_username_box_is_not_logged(anonymous_client):
    """A person who typed their password into the username box had it logged whole in
    console_login_failed / console_login_locked (the username is logged for real users only)."""
    from structlog.testing import capture_logs

    from tests.e2e.test_console_users import make_user, password_login

    app = anonymous_client.app
    make_user(app, "dora", password="dora's own secret")
    with capture_logs() as logs:
        answers = [password_login(app, "Dora's Own Secret", "dora")[1] for _ in range(6)]
        answers.append(password_login(app, "dora", "a wrong guess")[1])
    assert [a.status_code for a in answers] == [401] * 4 + [429, 429, 401]
    failed = [e for e in logs if e["event"] in ("console_login_failed", "console_login_locked")]
    assert len(failed) == 8 and failed[-1]["username"] == "dora"
    assert "own secret" not in repr(logs).lower()


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


def test_lift_code_and_content_type_refusals_read_chinese_first(client):
    """Two refusals a call-taker meets first answered in English only."""
    wrong_lift = client.post("/v1/alarms", json={"lift": "12345", "source": "phone",
                                                 "source_ref": "Z1"})
    assert wrong_lift.status_code == 422
    assert wrong_lift.json()["errors"][0]["msg"].startswith("须为 20 位注册代码或 6 位救援识别码 (")
    for headers in ({"Content-Type": "text/plain"}, {}):
        no_json = client.post("/v1/alarms", content=b"lift=44030000000000012345",
                              headers=headers)
        assert no_json.status_code == 415
        detail = no_json.json()["detail"]
        assert re.search(r"[\u4e00-\u9fff]", detail.split("(")[0]), detail
        assert "(Content-Type must be application/json" in detail


def test_rescue_method_and_null_refusals_read_chinese_first(client):
    """`rescue_method` read "not a rescue method code (1 平层开门放人, …)" (English first) and an
    explicit null in a registry PATCH was English only."""
    from tests.e2e.registry_helpers import make_station, make_unit

    made = client.post("/v1/alarms", json={"lift": "44030000000000054321", "source": "96333",
                                           "source_ref": "M1", "dispatch": "external"})
    ticket = made.json()["ticket_id"]
    for command in ("notify", "arrive"):
        assert client.post(f"/v1/tickets/{ticket}/{command}", json={}).status_code == 200
    wrong = client.post(f"/v1/tickets/{ticket}/release", json={
        "released_count": 1, "released_by": "rescuer", "rescue_method": "7"})
    assert wrong.status_code == 422
    msg = wrong.json()["errors"][0]["msg"]
    assert msg.startswith("不是救援方法代码，可选：1 平层开门放人") and msg.endswith(
        "(not a rescue method code: 1, 2, 3, 4, 5, 9)")
    station = make_station(client, make_unit(client, "丁维保"), "S")
    null = client.patch(f"/v1/stations/{station}", json={"name": None})
    assert null.status_code == 422
    assert null.json()["errors"][0]["msg"].startswith("不能为 null") and \
        "(may not be null" in null.json()["errors"][0]["msg"]


def test_an_oversized_body_is_refused_chinese_first(client):
    """The 413 read English only."""
    too_big = client.post("/v1/alarms", content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                          headers={"Content-Type": "application/json"})
    assert too_big.status_code == 413
    assert too_big.json()["detail"].startswith("请求体最多 1048576 字节")
    assert "(body: at most 1048576 bytes are accepted" in too_big.json()["detail"]


def test_unknown_address_and_method_say_so_in_words(client):
    """A mistyped address answered only {"title": "Not Found"}; a wrong method likewise."""
    nowhere = client.get("/v1/ticket")
    assert nowhere.status_code == 404
    assert nowhere.json()["detail"].startswith("没有这个地址") and "/docs" in nowhere.json()["detail"]
    wrong_method = client.delete("/v1/tickets")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["detail"].startswith("此地址不接受这种请求方法")
    unknown_ticket = client.get("/v1/tickets/by-no/T20990101-000001")
    assert unknown_ticket.status_code == 404 and "没有这个地址" not in unknown_ticket.text


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


MOBILES = ("13811112222", "13877778888", "13899990000", "13866665555")


def test_a_mobile_typed_into_a_note_never_reaches_the_events_whole(client, database_url):
    """The alarm's note, the rescue note and the callback note were stored whole in the
    immutable events and shown to auditors (ticket, events) — a purge could never reach them."""
    import psycopg

    made = client.post("/v1/alarms", json={
        "lift": "44030000000000054321", "source": "96333", "source_ref": "N1",
        "dispatch": "external", "note": f"家属电话 {MOBILES[0]}"})
    ticket = made.json()["ticket_id"]
    for command, body in (("notify", {}), ("arrive", {}),
                          ("release", {"released_count": 1, "released_by": "rescuer",
                                       "rescue_method": "9",
                                       "rescue_note": f"联系 {MOBILES[1]} 开门"}),
                          ("callback", {"confirmed_by": "trapped_person",
                                        "note": f"回拨{MOBILES[2]}确认"}),
                          ("close", {})):
        done = client.post(f"/v1/tickets/{ticket}/{command}", json=body)
        assert done.status_code == 200, done.text
    shown = client.get(f"/v1/tickets/{ticket}").text + \
        client.get(f"/v1/tickets/{ticket}/events").text
    assert "138****2222" in shown and "138****0000" in shown
    with psycopg.connect(database_url) as conn:
        stored = b"".join(bytes(r[0]) for r in conn.execute("SELECT state FROM tickets_events"))
    for mobile in MOBILES[:3]:
        assert mobile not in shown and mobile.encode() not in stored


def test_a_note_stored_whole_before_is_masked_on_the_way_out():
    """Events recorded before the fix keep their note; the public shape masks it."""
    from types import SimpleNamespace

    from projections.public_events import public_data

    stored_type = type("CallbackConfirmed", (SimpleNamespace,), {})  # as the store names it
    stored = stored_type(actor="operator:x", confirmed_by="using_unit", note=f"物业 {MOBILES[3]}")
    assert public_data(stored)["note"] == "物业 138****5555"


def test_a_note_recorded_whole_by_an_earlier_release_is_masked_when_read(client):
    """A ticket whose events hold a whole mobile (recorded before the fix, or by a path that
    skipped the HTTP bodies) shows it masked on the ticket and its events."""
    from dispatch.commands import CancelTicket, Context, ReceiveAlarm

    tickets, who = client.app.state.services.tickets, Context("operator:old", "c1")
    made = tickets.receive_alarm(ReceiveAlarm(
        lift="44030000000000054321", source="96333", source_ref="OLD1", dispatch="external",
        note=f"旧备注 {MOBILES[0]}"), who)
    ticket = made.ticket.id
    tickets.handle(CancelTicket(ticket_id=ticket, reason="other", note=f"撤 {MOBILES[1]}"), who)
    shown = client.get(f"/v1/tickets/{ticket}").text + \
        client.get(f"/v1/tickets/{ticket}/events").text
    assert "138****2222" in shown and "138****8888" in shown
    assert MOBILES[0] not in shown and MOBILES[1] not in shown


@pytest.mark.parametrize("page", ["/console/stats", "/console/overtime"])
def test_console_statistics_say_when_dates_are_reversed(client, page):
    """Statistics and overtime with the end date before the start showed zeros, silently."""
    from tests.e2e.test_ticket_search import console_get

    reversed_dates = console_get(client, page, **{"from": "2026-11-21", "to": "2026-11-19"})
    assert reversed_dates.status_code == 400
    assert "截止日期早于起始日期" in reversed_dates.text
    assert console_get(client, page, **{"from": "2026-11-19", "to": "2026-11-19"}).status_code \
        == 200


def test_answers_with_phone_numbers_are_not_kept_by_browsers(client):
    """Contacts (full numbers) and console pages carried no Cache-Control: a shared control-room
    browser or a proxy could keep them; static files and public pages keep their caching."""
    from tests.e2e.test_ticket_search import console_get

    made = client.post("/v1/alarms", json={"lift": "44030000000000054321", "source": "96333",
                                           "source_ref": "C1", "dispatch": "external",
                                           "caller": {"name": "李", "phone": "13812345678"}})
    ticket = made.json()["ticket_id"]
    contacts = client.get(f"/v1/tickets/{ticket}/contacts")
    assert "13812345678" in contacts.text
    assert contacts.headers["cache-control"] == "no-store"
    assert console_get(client, f"/console/tickets/{ticket}/contacts").headers[
        "cache-control"] == "no-store"
    assert "cache-control" not in client.get("/console/static/console.js").headers
    assert client.get("/p/units").headers["cache-control"].startswith("public")


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


@pytest.mark.parametrize(("path", "field"), [
    ("/v1/tickets?q=a%00", "query.q"), ("/v1/tickets?district=%00", "query.district"),
    ("/v1/lifts?q=%00", "query.q"), ("/v1/tickets/by-no/T%00", "path.ticket_no")])
def test_a_nul_in_a_search_is_named(client, path, field):
    """A NUL in a filter answered "a value cannot be stored: PostgreSQL text fields…" (English,
    no field, as if something were being saved)."""
    answer = client.get(path)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert answer.json()["detail"].startswith(f"{field}: 文本不能含 NUL 字符")
