"""Every list and statistic exports as CSV (UTF-8 with BOM) and XLSX with the JSON answer's
filters, rows and unit scoping; phone numbers never leave in full."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from adapters.http import export_columns as columns
from adapters.http import exports
from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.e2e.test_overtime_rule import WINDOW, run

SAFETY = {"name": "赵安全", "mobile": "13600136000"}
FULL_MOBILES = ("13600136000", "13900139000", "13700137000", "13800138000")


@pytest.fixture()
def world(client, views):
    """Two units, each with a station, bound lifts and overtime tickets on 2026-11-20."""
    units, registry_nid, last = {}, 0, 0
    for n, name in ((1, "安达维保"), (5, "鹏城电梯")):
        unit = make_unit(client, name)
        station = make_station(client, unit, f"{name}站")
        lifts = [make_lift(client, unit, n + i, safety_manager=SAFETY) for i in range(3)]
        make_lift(client, unit, n + 3)  # unbound, no safety manager: two data gaps
        bound = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": lifts})
        registry_nid = bound.json()["notification_id"]
        run(client, lifts[0], f"late{n}", [("notify", "08:01:00"), ("arrive", "08:40:00")])
        run(client, lifts[0], f"again{n}", [("notify", "09:01:00"), ("arrive", "09:10:00")])
        _, last = run(client, lifts[1], f"open{n}", [("notify", "08:01:00")])
        units[name] = unit
    assert client.get("/v1/lifts", params={"after": registry_nid}).status_code == 200
    assert client.get("/v1/overtime", params={"after": last}).status_code == 200
    return units


def count_of(answer: dict) -> int:
    if "items" in answer:
        return len(answer["items"])
    if "missing_site_type" in answer:  # data gaps: one row per gap item
        return sum(len(v) for v in answer.values())
    return 1  # entrapment rate: one row


LISTS = [  # path, params, columns, a datetime column's key (or None)
    ("/v1/tickets", WINDOW, columns.TICKETS, "received_at"),
    ("/v1/dynamics", {"limit": 50}, columns.TICKETS, "received_at"),
    ("/v1/overtime", WINDOW, columns.OVERTIME, "notified_at"),
    ("/v1/overtime/open", {}, columns.OVERTIME, "notified_at"),
    ("/v1/stats/tickets", {**WINDOW, "group_by": "station"}, columns.STATS_TICKETS, None),
    ("/v1/stats/entrapment-rate", WINDOW, columns.ENTRAPMENT_RATE, None),
    ("/v1/stats/lifts", {**WINDOW, "min_tickets": 1}, columns.STATS_LIFTS, None),
    ("/v1/lifts", {}, columns.LIFTS, None),
    ("/v1/stations", {}, columns.STATIONS, None),
    ("/v1/data-gaps", {}, columns.DATA_GAPS, None),
]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == exports.XLSX_TYPE
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize(("path", "params", "cols", "time_key"), LISTS,
                         ids=[p for p, *_ in LISTS])
def test_csv_and_xlsx_hold_every_row_of_the_json_answer(client, world, path, params, cols,
                                                        time_key):
    answer = client.get(path, params=params).json()
    expected = count_of(answer)
    assert expected >= 1, answer
    rows = csv_rows(client.get(path, params={**params, "format": "csv"}))
    header = [f"{c.zh} / {c.en}" for c in cols]
    assert rows[0] == header and len(rows) - 1 == expected
    disposition = client.get(path, params={**params, "format": "csv"}).headers[
        "content-disposition"]
    today = datetime.now(exports.ZoneInfo("Asia/Shanghai")).date()
    assert f'-{today:%Y-%m-%d}.csv"' in disposition  # the city's date, not the server's
    assert disposition.startswith("attachment; filename=") and '.csv"' in disposition
    sheet = xlsx_sheet(client.get(path, params={**params, "format": "xlsx"}))
    assert [c.value for c in sheet[1]] == header and sheet.freeze_panes == "A2"
    assert sheet.max_row - 1 == expected
    if time_key:
        index = [c.key for c in cols].index(time_key)
        cell = sheet.cell(row=2, column=index + 1).value
        assert isinstance(cell, datetime) and cell.tzinfo is None
        first = answer["items"][0][time_key]  # JSON in UTC; the sheet in Asia/Shanghai
        assert datetime.fromisoformat(first).astimezone(exports.ZoneInfo("Asia/Shanghai")
                                                        ).replace(tzinfo=None) == cell


def test_paged_lists_export_every_row_whatever_the_limit(client, world):
    rows = csv_rows(client.get("/v1/lifts", params={"limit": 1, "format": "csv"}))
    assert len(rows) - 1 == 8 == len(client.get("/v1/lifts", params={"limit": 100}
                                                ).json()["items"])
    page = client.get("/v1/tickets", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rows = csv_rows(client.get("/v1/tickets", params={"limit": 1, "cursor": page["next_cursor"],
                                                      "format": "csv"}))
    assert len(rows) - 1 == 6  # all six tickets, not the page after the cursor
    using = client.get("/v1/tickets", params={"using_unit": "U-1",
                                              "format": "xlsx", "limit": 2})
    assert xlsx_sheet(using).max_row - 1 == 6


def test_a_unit_token_exports_only_its_own_rows(client, world, token_for):
    unit = world["安达维保"]
    headers = token_for("unit", unit_id=unit)
    for path, cols in (("/v1/lifts", columns.LIFTS), ("/v1/overtime", columns.OVERTIME),
                       ("/v1/tickets", columns.TICKETS), ("/v1/dynamics", columns.TICKETS)):
        rows = csv_rows(client.get(path, params={"format": "csv"}, headers=headers))
        at = [c.key for c in cols].index("unit_id")
        assert len(rows) > 1 and {r[at] for r in rows[1:]} == {unit}
    stations = xlsx_sheet(client.get("/v1/stations", params={"format": "xlsx"},
                                     headers=headers))
    assert [r[1] for r in stations.iter_rows(min_row=2, values_only=True)] == ["安达维保"]
    other = client.get("/v1/lifts", params={"format": "csv", "unit_id": world["鹏城电梯"]},
                       headers=headers)
    assert other.status_code == 404


def test_auditors_export_and_no_full_phone_number_leaves(client, world, token_for):
    auditor = token_for("auditor")
    for path, params, *_ in LISTS:
        for fmt in ("csv", "xlsx"):
            response = client.get(path, params={**params, "format": fmt}, headers=auditor)
            assert response.status_code == 200, (path, fmt, response.text)
            text = response.content.decode("utf-8-sig") if fmt == "csv" else "".join(
                str(v) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(
                    values_only=True) for v in r)
            assert not [m for m in FULL_MOBILES if m in text], (path, fmt)
    stations = csv_rows(client.get("/v1/stations", params={"format": "csv"}, headers=auditor))
    workers = [c.key for c in columns.STATIONS].index("workers")
    assert stations[1][workers] == "工0 137****7000"


def test_a_mobile_reaching_an_export_is_masked_in_any_column():
    rows = [{"lead_mobile": "13900139000", "name": "call 13800138000 or 4403000000000000000001",
             "lifts": 1}]
    fmt = exports.Export("csv", exports.ZoneInfo("Asia/Shanghai"))
    body = b"".join(exports._csv_lines(rows, columns.STATIONS, fmt.timezone)).decode()
    assert "139****9000" in body and "138****8000" in body
    assert "4403000000000000000001" in body  # a registration code is not a mobile
    assert "13900139000" not in body and "13800138000" not in body


def test_accept_text_csv_bad_format_and_the_xlsx_cap(client, world, monkeypatch):
    by_accept = client.get("/v1/overtime", params=WINDOW, headers={"Accept": "text/csv"})
    assert len(csv_rows(by_accept)) - 1 == len(client.get("/v1/overtime", params=WINDOW
                                                          ).json()["items"])
    assert 'filename="overtime-' in by_accept.headers["content-disposition"]
    bad = client.get("/v1/overtime", params={"format": "pdf"})
    assert bad.status_code == 422 and "format" in bad.text
    assert bad.headers["content-type"].startswith("application/problem+json")
    monkeypatch.setattr(exports, "MAX_XLSX_ROWS", 1)
    capped = client.get("/v1/lifts", params={"format": "xlsx"})
    assert capped.status_code == 413 and "format=csv" in capped.text
    assert client.get("/v1/lifts", params={"format": "csv"}).status_code == 200
