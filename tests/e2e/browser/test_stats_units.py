"""The statistics page in Chromium: the units table sorts by a click on a header (and back),
and the charts fill the page's width."""

from datetime import UTC, datetime, timedelta

import httpx

from tests.e2e import stats_seed as s
from tests.e2e.browser.conftest import screenshot


def figures(page, key: str) -> list[float | None]:
    cells = page.locator(f"[data-testid=units-table] tbody td[data-col='{key}']")
    return [float(v) if (v := c.get_attribute("data-value")) else None for c in cells.all()]


def test_units_table_sorts_by_a_click_and_charts_fill_the_width(login, live_server,
                                                                  issue_token):
    base, _ = live_server
    token = issue_token("admin")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as api:
        made = s.seed(api)
        api.get("/v1/dynamics", params={"after": made["after"]})
    page = login(token)
    page.set_viewport_size({"width": 1600, "height": 1000})
    to = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    page.goto(f"{base}/console/stats?from={s.DAY}&to={to}")
    table = page.locator("[data-testid=units-table]")
    assert table.locator("tbody tr[data-unit]").count() == len(s.UNITS)

    page.click("[data-testid=units-table] th[data-sort=lifts_in_service]")
    ascending = figures(page, "lifts_in_service")
    assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
    assert table.locator("th[data-sort=lifts_in_service]").get_attribute(
        "aria-sort") == "ascending"
    page.click("[data-testid=units-table] th[data-sort=lifts_in_service]")
    assert figures(page, "lifts_in_service") == sorted(ascending, reverse=True)

    page.click("[data-testid=units-table] th[data-sort=lifts_per_ticket]")
    rates = figures(page, "lifts_per_ticket")
    present = [r for r in rates if r is not None]
    assert present == sorted(present) and rates[len(present):] == [None] * (
        len(rates) - len(present))  # a unit without tickets has no rate: last
    expected = {s.UNITS[n]: s.expected(s.lifts_where(0, n))["lifts_per_ticket"]
                for n in s.UNITS}
    names = table.locator("tbody td[data-col=name]").all_inner_texts()
    assert [expected[n] for n in names] == rates

    # Per-station bars keyed by station id: the two 南山站 of two units stay two bars.
    bars = page.locator("[data-testid=counts-chart] g[data-id]")
    assert {b.get_attribute("data-id") for b in bars.all()} == {
        made["stations"][k] for k in {s.LIFTS[r[0]][1] for r in s.TICKETS.values()}}
    assert sum("南山站" in (b.get_attribute("data-key") or "") for b in bars.all()) == 2
    chart = page.locator("[data-testid=counts-chart] svg").bounding_box()
    main = page.locator("main").bounding_box()
    assert chart is not None and main is not None and chart["width"] > 0.8 * main["width"]
    screenshot(page, "stats-units")
