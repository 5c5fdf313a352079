"""Chromium: find a ticket from the header box, search by address, open 困人动态 of a unit."""

from datetime import UTC, datetime, timedelta

import httpx

from tests.e2e.browser.conftest import screenshot
from tests.e2e.registry_helpers import code, make_station, make_unit


def at(minutes_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def seeded(base: str, token: str) -> dict:
    """Unit A: lift 1 at 海德三道 with a ticket that went through every node; lift 2 at 科苑路.
    Unit B: lift 3 at 深南大道."""
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    unit_a, unit_b = make_unit(api, "安达维保"), make_unit(api, "福星维保")
    make_station(api, unit_a, "南山一站", workers=0)
    places = [(unit_a, "翠竹园", "海德三道 88 号"), (unit_a, "海岸城", "科苑路 15 号"),
              (unit_b, "平安大厦", "深南大道 5033 号")]
    for n, (unit, using, address) in enumerate(places, start=1):
        made = api.put(f"/v1/lifts/{code(n)}", json={
            "unit_id": unit, "using_unit": {"code": f"U-{n}", "name": using},
            "address": address, "district": "南山区", "rescue_code": f"{n}{n}{n}{n}{n}{n}"})
        assert made.status_code == 201, made.text
    tickets, last = {}, 0
    for n in (1, 2, 3):
        made = api.post("/v1/alarms", json={"lift": code(n), "source": "96333",
                                            "source_ref": f"B-{n}", "received_at": at(60 - n),
                                            "dispatch": "external"})
        assert made.status_code == 201, made.text
        tickets[n], last = made.json(), made.json()["notification_id"]
    first = tickets[1]["ticket_id"]
    for command, body in (("notify", {"at": at(55)}), ("arrive", {"at": at(43)}),
                          ("release", {"at": at(40), "released_count": 1,
                                       "released_by": "rescuer"})):
        done = api.post(f"/v1/tickets/{first}/{command}", json=body)
        assert done.status_code == 200, done.text
        last = done.json()["notification_id"]
    assert api.get("/v1/tickets", params={"after": last}).headers["x-view-caught-up"] == "true"
    numbers = {n: api.get(f"/v1/tickets/{t['ticket_id']}").json()["ticket_no"]
               for n, t in tickets.items()}
    return {"units": (unit_a, unit_b), "ids": {n: t["ticket_id"] for n, t in tickets.items()},
            "numbers": numbers}


def test_find_search_and_dynamics_in_chromium(login, live_server, issue_token):
    base, _ = live_server
    town = seeded(base, issue_token("admin"))
    page = login(issue_token("operator", name="desk-3"))

    # The header box: a ticket number opens that ticket.
    page.fill("nav input[name=q]", town["numbers"][2])
    page.press("nav input[name=q]", "Enter")
    page.wait_for_url(f"**/console/tickets/{town['ids'][2]}")
    assert town["numbers"][2] in page.inner_text("main")

    # A rescue code lists that lift's tickets.
    page.fill("nav input[name=q]", "333333")
    page.press("nav input[name=q]", "Enter")
    page.wait_for_url("**/console/search?lift=333333")
    rows = page.locator("[data-testid=results] tbody tr[data-ticket]")
    assert rows.count() == 1 and rows.first.get_attribute("data-ticket") == town["ids"][3]

    # The search page: an address fragment.
    page.goto(f"{base}/console/search")
    page.fill("[data-testid=search-form] input[name=q]", "科苑")
    page.click("[data-testid=search-form] button[type=submit]")
    page.wait_for_url("**/console/search?q=*")
    found = [r.get_attribute("data-ticket") for r in rows.all()]
    assert found == [town["ids"][2]]
    screenshot(page, "search")
    rows.first.locator("a").click()
    page.wait_for_url(f"**/console/tickets/{town['ids'][2]}")

    # 困人动态 of unit A: its two tickets, newest first, every node time and minutes to arrive.
    page.goto(f"{base}/console/dynamics")
    page.select_option("[data-testid=dynamics-form] select[name=unit_id]", town["units"][0])
    page.click("[data-testid=dynamics-form] button[type=submit]")
    table = page.locator("[data-testid=dynamics] tbody tr[data-ticket]")
    table.first.wait_for()
    assert [r.get_attribute("data-ticket") for r in table.all()] == [town["ids"][2],
                                                                    town["ids"][1]]
    done = page.locator(f"[data-testid=dynamics] tr[data-ticket='{town['ids'][1]}']")
    assert done.locator("td.minutes").inner_text() == "12.0"
    assert done.locator("td").nth(7).inner_text() != "—"  # 解救完成 released
    screenshot(page, "dynamics")


def test_unit_user_sees_only_their_own_dynamics(login, live_server, issue_token):
    base, _ = live_server
    town = seeded(base, issue_token("admin"))
    page = login(issue_token("unit", unit_id=town["units"][1]))
    page.goto(f"{base}/console/dynamics?unit_id={town['units'][0]}")
    assert page.locator("select[name=unit_id]").count() == 0
    rows = page.locator("[data-testid=dynamics] tbody tr[data-ticket]")
    assert [r.get_attribute("data-ticket") for r in rows.all()] == [town["ids"][3]]
    page.fill("nav input[name=q]", town["numbers"][1])  # another unit's number: not opened
    page.press("nav input[name=q]", "Enter")
    page.wait_for_url("**/console/search?q=*")
    assert page.locator("[data-testid=results] tbody tr[data-ticket]").count() == 0
