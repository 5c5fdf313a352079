"""Two cities (each its own database) and one province on the real broker: the provincial figures
equal the cities' own views, after the province consumer is stopped and restarted mid-stream and
a city relay resends what it had already sent (no record lost or counted twice)."""

import hashlib
import json
import statistics
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from adapters import reference
from adapters.bootstrap import bootstrap
from adapters.cli.main import main as cli
from adapters.http.main import create_app
from adapters.kafka.relay import RelayPosition
from adapters.province.queries import ProvinceQueries
from adapters.runtime.settings import Settings
from tests.e2e.upstream_helpers import city_registry, false_alarm, rescue
from tests.kafka_helpers import read_all, running, wait_for

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
DAY = T0.astimezone(ZONE).date()
CITIES = {"440300": 4403, "320100": 3201}
ARRIVALS = [10, 40, 20, 25, 31]  # minutes from notification; 40 and 31 are overtime


@pytest.fixture()
def databases(pg_admin_url):
    """Make fresh databases on demand; drop them afterwards."""
    made = []

    def make() -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return make_conninfo(**{**conninfo_to_dict(pg_admin_url), "dbname": name})

    yield make
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def own_figures(services, lifts: int) -> dict:
    """What a city's own tickets view says for DAY (the figures the province must match)."""
    start = datetime.combine(DAY, datetime.min.time(), ZONE)
    with services.pool.connection() as conn:
        rows = conn.execute(
            "SELECT round((extract(epoch FROM arrived_at - maint_notified_at) / 60)::numeric, 2),"
            " cause_root FROM tickets_view WHERE status <> 'cancelled' AND received_at >= %s "
            "AND received_at < %s", (start, start + timedelta(days=1))).fetchall()
    overtime = services.ticket_queries.overtime(None, None, start, start + timedelta(days=1))
    minutes = sorted(float(r[0]) for r in rows)
    previous = reference.load("fault_causes").get("previous_codes", {})
    causes: dict[str, int] = {}
    for _, root in rows:
        key = previous.get(root, root)
        causes[key] = causes.get(key, 0) + 1
    return {"tickets": len(rows), "overtime": len(overtime), "lifts_in_service": lifts,
            "median_minutes_to_arrive": round(statistics.median(minutes), 2),
            "p90_minutes_to_arrive": round(statistics.quantiles(
                minutes, n=10, method="inclusive")[-1], 2),
            "causes": causes}


def acked(services) -> set[tuple[str, int]]:
    with services.pool.connection() as conn:
        return set(conn.execute("SELECT record_id, max(record_version) FROM upstream_records "
                                "WHERE record_type = 'ticket' GROUP BY 1").fetchall())


def test_two_cities_and_a_province(kafka_bootstrap, databases, monkeypatch, capsys):
    tag = uuid.uuid4().hex[:8]
    topics = {code: f"upstream-{tag}-{code}" for code in CITIES}
    cities = {code: bootstrap(Settings(
        database_url=databases(), environment="test", db_pool_size=4, city_code=code,
        kafka_bootstrap=kafka_bootstrap, kafka_upstream_topic=topics[code],
        kafka_events_topic=f"events-{tag}-{code}")) for code in CITIES}
    province = bootstrap(Settings(
        database_url=databases(), environment="test", db_pool_size=4,
        kafka_bootstrap=kafka_bootstrap, province_topics=",".join(topics.values()),
        province_group=f"province-{tag}"))
    lifts = {code: city_registry(cities[code], number, 3 + number % 2)[1]
             for code, number in CITIES.items()}
    queries = ProvinceQueries(province.pool)

    def run_tickets(first: int, last: int) -> None:
        for code, services in cities.items():
            for n in range(first, last):
                rescue(services, lifts[code][n % len(lifts[code])], f"{code}-{n}",
                       T0 + timedelta(minutes=n), ARRIVALS[n % len(ARRIVALS)], n,
                       correct=n == 1)
            false_alarm(services, lifts[code][0], f"{code}-fa-{first}", T0)

    def province_has_all() -> bool:
        with province.pool.connection() as conn:
            held = {(c, r, v) for c, r, v in conn.execute(
                "SELECT city_code, record_id, record_version FROM province_records "
                "WHERE record_type = 'ticket'").fetchall()}
        return held == {(code, r, v) for code, s in cities.items() for r, v in acked(s)}

    try:
        with running("projections", cities["440300"]), running("projections", cities["320100"]):
            with running("upstream", cities["440300"]), running("upstream", cities["320100"]):
                run_tickets(0, 3)
                with running("province", province):
                    wait_for(lambda: queries.stats(DAY, DAY) and province_has_all(), seconds=60)
                    run_tickets(3, 5)  # the province stops while these stream in
            # A relay crash between the broker's ack and its position: everything is resent.
            RelayPosition(cities["440300"].pool, "upstream-tickets").save(0)
            with running("upstream", cities["440300"]), running("upstream", cities["320100"]):
                run_tickets(5, 7)
                for services in cities.values():
                    for name, app in (("upstream-tickets", services.tickets),
                                      ("upstream-lifts", services.registry)):
                        last = app.recorder.max_notification_id()
                        position = RelayPosition(services.pool, name)
                        wait_for(lambda p=position, n=last: p.load() == n)
            with running("province", province):
                wait_for(province_has_all, seconds=60)
            for services in cities.values():  # the cities' own views caught up too
                wait_for(lambda s=services: own_figures(s, 0)["tickets"] == 7)
        stats = {row["city_code"]: row for row in queries.stats(DAY, DAY)}
        assert set(stats) == set(CITIES)
        for code, services in cities.items():
            mine = stats[code]
            got = {k: mine[k] for k in ("tickets", "overtime", "lifts_in_service",
                                        "median_minutes_to_arrive", "p90_minutes_to_arrive")}
            expected = own_figures(services, len(lifts[code]))
            assert got | {"causes": {c["cause"]: c["tickets"] for c in mine["causes"]}} == expected
            assert mine["overtime_share"] == round(expected["overtime"] / 7, 4)
            assert mine["entrapments_per_100_lifts"] == round(7 / len(lifts[code]) * 100, 4)
        duplicates = read_all(kafka_bootstrap, topics["440300"])
        assert len(duplicates) > len({(dict(r.headers)["record_type"], dict(r.headers)[
            "record_id"], dict(r.headers)["record_version"]) for r in duplicates})

        # Reconciliation: the city's command equals a checksum computed from the topic.
        seen = {(dict(r.headers)["record_id"].decode(), int(dict(r.headers)["record_version"]))
                for r in duplicates if dict(r.headers)["record_type"] == b"ticket"
                and datetime.fromisoformat(json.loads(r.value)["received_at"]).astimezone(
                    ZONE).date() == DAY}
        lines = "".join(f"{i}:{v}\n" for i, v in sorted(seen))
        for name, value in {"DATABASE_URL": cities["440300"].database_url,
                            "CITY_CODE": "440300", "ENVIRONMENT": "test"}.items():
            monkeypatch.setenv(f"LIFTRESCUE_{name}", value)
        cli(["upstream", "reconcile", "--day", DAY.isoformat()])
        printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert printed == {"city_code": "440300", "day": DAY.isoformat(), "records": 11,
                           "checksum": hashlib.sha256(lines.encode()).hexdigest()}
        assert len(seen) == 11  # 7 rescues, the corrected one's second version, 3 false alarms
        _province_api(province, stats)
    finally:
        for services in (*cities.values(), province):
            services.close()


def _province_api(province, stats) -> None:
    """The API and console page show the same figures; bad windows and unit tokens refused."""
    with TestClient(create_app(lambda: province)) as client:
        auditor = {"Authorization": "Bearer " + province.tokens.create(role="auditor",
                                                                       name="p")[0]}
        answer = client.get("/v1/province/stats", params={"from": DAY.isoformat(),
                                                          "to": DAY.isoformat()}, headers=auditor)
        assert answer.status_code == 200
        assert {c["city_code"]: c for c in answer.json()["cities"]} == stats
        bad = client.get("/v1/province/stats", params={"from": "2026-11-20", "to": "2026-11-19"},
                         headers=auditor)
        assert bad.status_code == 422 and "to" in json.dumps(bad.json())
        unit = {"Authorization": "Bearer " + province.tokens.create(role="unit", name="u",
                                                                    unit_id="x")[0]}
        assert client.get("/v1/province/stats", headers=unit).status_code == 403
        token = province.tokens.create(role="operator", name="o")[0]
        client.cookies.set("lr_session", province.sessions.open(token))
        page = client.get("/console/province", params={"from": DAY.isoformat(),
                                                       "to": DAY.isoformat()})
        assert page.status_code == 200
        for code, row in stats.items():
            assert f'data-city="{code}"' in page.text and f'<td class="tickets">{row["tickets"]}<' in page.text
