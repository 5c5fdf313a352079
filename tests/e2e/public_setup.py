"""[16-public] A registry and a year of tickets for the public page and risk tests."""

from datetime import UTC, datetime, timedelta

from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.live import wait_for

NOW = datetime.now(UTC).replace(microsecond=0)
DUTY = "0755-86668888"


def at(days: float, minutes: float = 0) -> str:
    return (NOW - timedelta(days=days) + timedelta(minutes=minutes)).isoformat()


def registry(client) -> dict:
    """Two units; unit A's lift 1 (rescue code 100001) and lift 2, unit B's lift 3."""
    unit_a = make_unit(client, "安达电梯维保")
    assert client.put(f"/v1/units/{unit_a}/rescue-info",
                      json={"duty_phone": DUTY}).status_code == 200
    unit_b = make_unit(client, "博远电梯维保", lead={"name": "赵经理", "mobile": "13700137001"})
    station_a, station_b = make_station(client, unit_a), make_station(client, unit_b, "福田站")
    lifts = [make_lift(client, unit_a, 1, rescue_code="100001"), make_lift(client, unit_a, 2),
             make_lift(client, unit_b, 3, using="U-9")]
    return {"units": (unit_a, unit_b), "stations": (station_a, station_b), "lifts": lifts}


def ticket(client, lift: str, days: float, station: str, arrive_after: float | None,
           cause: tuple[str, str] | None = None) -> str:
    """An entrapment `days` ago; the rescuer arrives `arrive_after` minutes after notice."""
    created = client.post("/v1/alarms", json={
        "lift": lift, "source": "96333", "source_ref": f"R-{lift[-3:]}-{days}",
        "received_at": at(days), "trapped_count": 1,
        "caller": {"name": "李", "phone": "13812345678"}})
    assert created.status_code == 201, created.text
    tid = created.json()["ticket_id"]
    steps = [("notify", {"station_id": station, "at": at(days, 1)})]
    if arrive_after is not None:
        steps.append(("arrive", {"at": at(days, 1 + arrive_after)}))
    steps.append(("release", {"released_count": 1, "released_by": "rescuer",
                              "at": at(days, 50)}))
    if cause:
        steps.append(("fault-report", {"cause": {"root": cause[0], "sub": cause[1]},
                                       "description": "门锁", "at": at(days, 60)}))
    for path, body in steps:
        answer = client.post(f"/v1/tickets/{tid}/{path}", json=body)
        assert answer.status_code == 200, (path, answer.text)
    return tid


def year_of_tickets(client) -> dict:
    """Lift 1: three entrapments (two door-lock faults) in 90 days, one 400 days ago; lift 3:
    one. Unit A: 2 of 3 decided rescues on time (30 min); unit B: 0 of 1."""
    reg = registry(client)
    one, _, three = reg["lifts"]
    station_a, station_b = reg["stations"]
    ticket(client, one, 400, station_a, 5)  # outside the 12 months
    ticket(client, one, 60, station_a, 12, ("3", "302"))
    ticket(client, one, 30, station_a, 45, ("3", "301"))
    ticket(client, one, 2, station_a, 20)
    ticket(client, three, 10, station_b, 41)
    # Every node projected, not just every ticket: all released, both fault reports in.
    wait_for(lambda: [i["status"] for i in client.get(
        "/v1/tickets", params={"from": at(500)}).json()["items"]] == ["released"] * 5)
    wait_for(lambda: {i["key"] for i in client.get("/v1/stats/tickets", params={
        "from": at(500), "group_by": "cause"}).json()["items"]} >= {"3/301", "3/302"})
    # The registry view runs apart from the tickets view: wait for its lifts and units too.
    wait_for(lambda: len(client.get("/v1/lifts").json()["items"]) == 3)
    wait_for(lambda: len(client.get("/v1/units").json()["items"]) == 2)
    return reg

