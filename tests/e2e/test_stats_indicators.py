"""Units side by side and the published indicators (issue 15 items 9, 10): every figure against
the expectation computed from the seeded times (tests/e2e/stats_seed.py); two arrival limits;
lifts in service at the window's end; unit scoping; CSV and XLSX exports."""

import io

import pytest
from openpyxl import load_workbook

from tests.e2e import stats_seed as s
from tests.e2e.test_overtime_rule import console_get


@pytest.fixture()
def settings(settings):
    return settings.model_copy(update={"arrival_limit_by_district": s.LIMITS})


@pytest.fixture()
def seeded(client, views):
    made = s.seed(client)
    client.get("/v1/dynamics", params={"after": made["after"]})
    return made


def figures_of(item: dict) -> dict:
    return {k: item[k] for k in s.expected([])}


def test_indicators_per_unit_station_district_and_city(client, seeded):
    def by(group: str) -> dict:
        body = client.get("/v1/stats/indicators", params={**s.window(), "group_by": group})
        assert body.status_code == 200, body.text
        return {i["key"]: i for i in body.json()["items"]}

    units, stations = seeded["units"], seeded["stations"]
    got = by("unit")
    assert set(got) == set(units.values())
    for name, unit_id in units.items():
        assert figures_of(got[unit_id]) == s.expected(s.lifts_where(0, name)), name
        assert got[unit_id]["name"] == s.UNITS[name]
    got = by("station")
    assert set(got) == set(stations.values())  # same-named stations stay two rows
    for name, station_id in stations.items():
        assert figures_of(got[station_id]) == s.expected(s.lifts_where(1, name)), name
    got = by("district")
    assert set(got) == {d for _, _, d in s.LIFTS.values()}
    for district in got:
        assert figures_of(got[district]) == s.expected(s.lifts_where(2, district)), district
    (city,) = by("city").values()
    assert figures_of(city) == s.expected(list(s.LIFTS))


def test_a_unit_reads_only_its_own_figures(client, seeded, token_for):
    unit_a = seeded["units"]["A"]
    headers = token_for("unit", unit_id=unit_a)
    ours = s.lifts_where(0, "A")
    city = client.get("/v1/stats/indicators", params=s.window(), headers=headers).json()
    assert [figures_of(i) for i in city["items"]] == [s.expected(ours)]
    stations = client.get("/v1/stats/indicators", headers=headers,
                          params={**s.window(), "group_by": "station"}).json()["items"]
    assert {i["key"] for i in stations} == {seeded["stations"][k] for k in ("SA", "SA2")}
    nanshan = next(i for i in client.get("/v1/stats/indicators", headers=headers, params={
        **s.window(), "group_by": "district"}).json()["items"] if i["key"] == "南山区")
    assert figures_of(nanshan) == s.expected([n for n in ours if s.LIFTS[n][2] == "南山区"])
    units = client.get("/v1/stats/units", params=s.window(), headers=headers).json()
    assert [i["key"] for i in units["items"]] == [unit_a]


def test_units_side_by_side_sorted_labelled_and_exported(client, seeded):
    body = client.get("/v1/stats/units", params={**s.window(), "sort": "lifts_per_ticket"})
    assert body.status_code == 200, body.text
    items, labels = body.json()["items"], body.json()["labels"]
    assert "台/次" in labels["lifts_per_ticket"] and "lifts in service per entrapment" in \
        labels["lifts_per_ticket"]
    expected = {seeded["units"][n]: s.expected(s.lifts_where(0, n)) for n in s.UNITS}
    rates = [(i["key"], i["lifts_per_ticket"]) for i in items]
    with_rate = sorted((k, e["lifts_per_ticket"]) for k, e in expected.items()
                       if e["lifts_per_ticket"] is not None)
    assert rates == sorted(with_rate, key=lambda kv: kv[1]) + [
        (k, None) for k, e in expected.items() if e["lifts_per_ticket"] is None]
    for item in items:
        assert {k: v for k, v in item.items() if k in expected[item["key"]]} == {
            k: expected[item["key"]][k] for k in item if k in expected[item["key"]]}
    descending = client.get("/v1/stats/units", params={**s.window(), "sort": "-tickets"})
    tickets = [i["tickets"] for i in descending.json()["items"]]
    assert tickets == sorted(tickets, reverse=True) and tickets[0] > tickets[-1]
    bad = client.get("/v1/stats/units", params={"sort": "name; drop"})
    assert bad.status_code == 422 and "sort" in bad.text

    csv = client.get("/v1/stats/units", params={**s.window(), "format": "csv"})
    header, *lines = csv.content.decode("utf-8-sig").splitlines()
    assert csv.status_code == 200 and "困人率(台/次)" in header and len(lines) == len(s.UNITS)
    xlsx = client.get("/v1/stats/units", params={**s.window(), "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1].startswith("编号") and len(rows) == len(s.UNITS) + 1
    assert {r[1]: r[3] for r in rows[1:]} == {k: e["tickets"] for k, e in expected.items()}
    ind = client.get("/v1/stats/indicators", params={**s.window(), "format": "csv"})
    assert "三分钟响应率(%)" in ind.content.decode("utf-8-sig").splitlines()[0]


def test_console_stats_page_shows_both_tables(client, seeded):
    page = console_get(client, "/console/stats", {"from": s.DAY, "indicators_by": "station",
                                                  "units_sort": "-overtime"})
    assert page.status_code == 200
    for label in ("台/次: lifts in service per entrapment", "三分钟响应率", "大鹏新区 60"):
        assert label in page.text
    for station_id in seeded["stations"].values():
        assert f'data-row="{station_id}"' in page.text
    units = page.text.split('data-testid="units-table"', 1)[1].split("</table>", 1)[0]
    order = [units.index(f'data-unit="{u}"') for u in seeded["units"].values()]
    overtime = {u: s.expected(s.lifts_where(0, n))["overtime"]
                for n, u in seeded["units"].items()}
    by_position = [u for _, u in sorted(zip(order, seeded["units"].values(), strict=True))]
    assert [overtime[u] for u in by_position] == sorted(overtime.values(), reverse=True)
