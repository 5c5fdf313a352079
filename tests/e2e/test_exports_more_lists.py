"""The lists added by issues 15-17 export too (risk lifts, the safety-manager register, proven
arrivals): CSV with BOM and XLSX, the JSON's rows, the same scope, mobiles masked."""

import pytest

from tests.e2e.public_setup import year_of_tickets
from tests.e2e.registry_helpers import code, make_unit
from tests.e2e.test_exports import csv_rows, xlsx_sheet


@pytest.fixture()
def reg(client, views):
    return year_of_tickets(client)


def test_risk_lifts_export_its_rows_scoped(client, reg, token_for):
    rows = csv_rows(client.get("/v1/risk/lifts", params={"format": "csv"}))
    assert rows[0][0].startswith("电梯注册代码") and [r[0] for r in rows[1:]] == [code(1)]
    assert "repeated" in rows[1][rows[0].index(next(h for h in rows[0] if h.startswith("原因")))]
    other = reg["units"][1]
    scoped = client.get("/v1/risk/lifts", params={"format": "csv"},
                        headers=token_for("unit", unit_id=other))
    assert csv_rows(scoped)[1:] == []
    sheet = xlsx_sheet(client.get("/v1/risk/lifts", params={"format": "xlsx"}))
    assert sheet.cell(row=2, column=1).value == code(1)


def test_safety_managers_export_masks_the_mobile(client, views):
    unit = make_unit(client, "登记维保")
    made = client.post("/v1/safety-managers", json={"unit_id": unit, "name": "赵安全",
                                                     "mobile": "13700137000"})
    assert made.status_code == 201, made.text
    answer = client.get("/v1/safety-managers", params={
        "format": "csv", "after": made.json()["notification_id"]})
    body = answer.content.decode("utf-8-sig")
    assert "赵安全" in body and "137****7000" in body and "13700137000" not in body
    assert [r[2] for r in csv_rows(answer)[1:]] == ["赵安全"]


def test_arrival_proof_exports_per_unit_and_station(client, reg):
    share = client.get("/v1/reports/arrival-proof").json()
    rows = csv_rows(client.get("/v1/reports/arrival-proof", params={"format": "csv"}))
    assert len(rows) - 1 == len(share["items"]) > 0
    arrivals = rows[0].index(next(h for h in rows[0] if h.startswith("到场数")))
    assert sum(int(r[arrivals]) for r in rows[1:]) == share["arrivals"]
