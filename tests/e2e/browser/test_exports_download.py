"""The overtime page's export buttons download CSV and XLSX that hold the page's tickets."""

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from openpyxl import load_workbook

from tests.e2e.browser.conftest import screenshot
from tests.e2e.registry_helpers import make_lift, make_station, make_unit


def overdue_ticket(base: str, token: str) -> tuple[str, str]:
    """A bound lift's ticket notified two hours ago with nobody on site: number and unit."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
        unit = make_unit(api, "安达维保")
        station = make_station(api, unit, "南山站")
        lift = make_lift(api, unit, 1)
        assert api.post(f"/v1/stations/{station}/bind",
                        json={"registration_codes": [lift]}).status_code == 200
        received = datetime.now(UTC) - timedelta(hours=2)
        created = api.post("/v1/alarms", json={
            "lift": lift, "source": "96333", "source_ref": "export-1", "dispatch": "external",
            "received_at": received.isoformat()})
        assert created.status_code == 201, created.text
        ticket_id = created.json()["ticket_id"]
        notified = api.post(f"/v1/tickets/{ticket_id}/notify",
                            json={"at": (received + timedelta(minutes=1)).isoformat()})
        assert notified.status_code == 200, notified.text
        seen = api.get("/v1/overtime", params={"after": notified.json()["notification_id"]})
        assert seen.headers["x-view-caught-up"] == "true"
        return seen.json()["items"][0]["ticket_no"], unit


def download(page, selector: str) -> tuple[str, bytes]:
    with page.expect_download() as waiting:
        page.click(selector)
    done = waiting.value
    return done.suggested_filename, Path(done.path()).read_bytes()


def test_overtime_export_buttons_download_csv_and_xlsx(login, live_server, issue_token):
    base, _ = live_server
    token = issue_token("admin")
    ticket_no, _ = overdue_ticket(base, token)
    page = login(issue_token("auditor"))  # read-only roles export too
    page.goto(f"{base}/console/overtime")
    assert ticket_no in page.inner_text("[data-testid=overtime]")
    screenshot(page, "overtime-export-buttons")

    name, body = download(page, '[data-export="/v1/overtime"] a[data-format=csv]')
    assert name.startswith("overtime-") and name.endswith(".csv")
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "工单号 / Ticket no." and [r[0] for r in rows[1:]] == [ticket_no]

    name, body = download(page, '[data-export="/v1/overtime"] a[data-format=xlsx]')
    assert name.startswith("overtime-") and name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][0] == "工单号 / Ticket no." and [r[0] for r in lines[1:]] == [ticket_no]
    notified = lines[0].index("通知救援站成功 / Station notified")
    assert isinstance(lines[1][notified], datetime)

    name, body = download(page, '[data-export="/v1/overtime/open"] a[data-format=csv]')
    assert name.startswith("overtime-open-")
    assert [r[0] for r in csv.reader(io.StringIO(body.decode("utf-8-sig")))][1:] == [ticket_no]


def test_search_and_dynamics_pages_export_their_tickets(login, live_server, issue_token):
    base, _ = live_server
    ticket_no, unit = overdue_ticket(base, issue_token("admin"))
    page = login(issue_token("operator"))
    for path, api, name in (("/console/search?district=南山区", "/v1/tickets", "tickets-"),
                            (f"/console/dynamics?unit_id={unit}", "/v1/dynamics", "dynamics-")):
        page.goto(f"{base}{path}")
        filename, body = download(page, f'[data-export="{api}"] a[data-format=xlsx]')
        assert filename.startswith(name) and filename.endswith(".xlsx")
        lines = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
        assert [r[0] for r in lines[1:]] == [ticket_no], path
    filename, body = download(page, '[data-export="/v1/dynamics"] a[data-format=csv]')
    assert body.startswith(b"\xef\xbb\xbf") and ticket_no in body.decode("utf-8-sig")
