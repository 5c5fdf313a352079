"""Monthly reports: parameters validated (422 naming the field), units confined to their own
report, the dispatcher's schedule storing last month's reports, the console listing them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from adapters.postgres.monthly_reports import MonthlyReportStore
from adapters.reports.monthly import next_month
from adapters.reports.schedule import MonthlySchedule
from tests.e2e.monthly_report_seed import MONTH, seed
from tests.e2e.registry_helpers import make_unit
from tests.e2e.test_console_csrf import login_token
from tests.live import wait_for

URL = "/v1/reports/monthly"


def fields(response) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


def test_parameters_are_validated_and_units_confined(client, token_for):
    unit_a, unit_b = make_unit(client, "安达维保"), make_unit(client, "北辰维保")
    this_month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    # [16-qa] a trailing newline (it reached the PDF's Content-Disposition header) and
    # full-width digits are format errors, not months
    for month in ("2026-13", "2026-1", "abc", "0000-01", next_month(this_month), "2026-01\n",
                  "２０２６-01"):
        refused = client.get(URL, params={"month": month})
        assert refused.status_code == 422 and fields(refused) == ["query.month"], month
        assert refused.headers["content-type"] == "application/problem+json"
        assert ("尚未开始" in refused.text) == (month == next_month(this_month)), month
    assert fields(client.get(URL)) == ["query.month"]
    assert fields(client.get(URL, params={"month": MONTH, "format": "doc"})) == ["query.format"]
    assert fields(client.get(URL, params={"month": MONTH, "edition": "x"})) == ["query.edition"]
    assert fields(client.get(URL, params={"month": MONTH, "mnth": "1"})) == ["query.mnth"]
    assert client.get(URL, params={"month": MONTH, "unit_id": "nope"}).status_code == 404
    assert client.get(URL, params={"month": this_month}).status_code == 200  # begun: allowed
    unit = token_for("unit", unit_id=unit_a)
    assert client.get(URL, params={"month": MONTH, "unit_id": unit_b},
                      headers=unit).status_code == 404
    own = client.get(URL, params={"month": MONTH}, headers=unit)
    assert own.status_code == 200 and "安达维保" in own.text and "北辰维保" not in own.text
    assert "nonce-" in own.headers["content-security-policy"] and "<style nonce=" in own.text
    city = client.get(URL, params={"month": MONTH, "unit_id": ""})  # the console form's 全市
    assert city.status_code == 200 and "全市" in city.text


def unit_browser(app, unit_id: str) -> TestClient:
    browser = TestClient(app)
    token = app.state.services.tokens.create(role="unit", name="reports", unit_id=unit_id)[0]
    done = browser.post("/console/login", follow_redirects=False,
                        data={"token": token, "csrf_token": login_token(browser)})
    assert done.status_code == 303, done.text
    return browser


def test_schedule_stores_last_months_reports_once_and_console_lists_them(client, views):
    seeded = seed(client)
    services = client.app.state.services
    schedule = MonthlySchedule(services.pool, services.settings)
    first_of_next = datetime(2026, 11, 1, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert wait_for(lambda: schedule.run_once(first_of_next), 30) == 2 + len(seeded["units"])
    assert schedule.run_once(first_of_next) == 0  # stored once, never twice
    store = MonthlyReportStore(services.pool)
    stored = {(r.month, r.unit_id, r.edition) for r in store.listing(None)}
    assert stored == {(MONTH, None, "full"), (MONTH, None, "public"),
                      *((MONTH, unit, "full") for unit in seeded["units"])}
    assert store.pdf(MONTH, None, "public").startswith(b"%PDF")
    unit_a, unit_b = seeded["units"]
    browser = unit_browser(client.app, unit_a)
    page = browser.get("/console/reports/monthly")
    assert page.status_code == 200 and "月度分析报告" in page.text
    assert f"/v1/reports/monthly/stored/{MONTH}/full.pdf?unit_id={unit_a}" in page.text
    assert unit_b not in page.text and "全市 City-wide" not in page.text
    download = browser.get(f"/v1/reports/monthly/stored/{MONTH}/full.pdf",
                           params={"unit_id": unit_a})
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert browser.get(f"/v1/reports/monthly/stored/{MONTH}/full.pdf",
                       params={"unit_id": unit_b}).status_code == 404
    listed = client.get("/v1/reports/monthly/stored").json()["items"]
    assert len(listed) == 4 and listed[0]["href"].startswith("/v1/reports/monthly/stored/")


def test_dispatcher_runs_the_schedule_unless_it_is_turned_off(services, monkeypatch):
    from adapters.runtime import roles
    from tests.live import running

    built = []
    monkeypatch.setattr(roles, "build_report_schedule",
                        lambda s: built.append(s.settings.monthly_reports) or
                        MonthlySchedule(s.pool, s.settings))
    for enabled in (False, True):
        services.settings = services.settings.model_copy(update={"monthly_reports": enabled})
        with running("dispatcher", services):
            pass  # the role decides before its loop; leaving the block joins it
    assert built == [True]
