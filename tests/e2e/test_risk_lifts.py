"""[16-public] item 8: risk warnings — the list, its validation and scope, the console page, and
the one-time SMS to the unit's emergency lead when a lift enters the list."""

from datetime import timedelta
from types import SimpleNamespace

import psycopg
import pytest

from adapters.runtime.risk_watch import RiskWatch
from adapters.runtime.settings import Settings
from tests.e2e.public_setup import NOW, year_of_tickets
from tests.e2e.registry_helpers import LEAD, code
from tests.e2e.test_console_csrf import logged_in


@pytest.fixture()
def reg(client, views):
    return year_of_tickets(client)


def test_repeated_lifts_and_shared_causes(client, reg, token_for):
    items = client.get("/v1/risk/lifts").json()["items"]  # 3 in 90 days by default
    assert [i["registration_code"] for i in items] == [code(1)]
    lift = items[0]
    assert lift["tickets"] == 3 and lift["reasons"] == ["repeated", "shared_cause"]
    assert lift["shared_cause"] == {"category": "3", "name": "门系统", "tickets": 2}
    assert client.get("/v1/risk/lifts", params={"days": 40}).json()["items"] == []
    recent = client.get("/v1/risk/lifts", params={"days": 40, "min_tickets": 2}).json()
    assert [(i["tickets"], i["reasons"]) for i in recent["items"]] == [(2, ["repeated"])]
    unit_a, unit_b = reg["units"]
    assert client.get("/v1/risk/lifts", headers=token_for("unit", unit_id=unit_b)).json()[
        "items"] == []
    assert len(client.get("/v1/risk/lifts", headers=token_for(
        "unit", unit_id=unit_a)).json()["items"]) == 1


@pytest.mark.parametrize("params, field", [({"days": 0}, "days"), ({"days": 367}, "days"),
                                           ({"days": "x"}, "days"),
                                           ({"min_tickets": 1}, "min_tickets")])
def test_bad_parameters_are_422_naming_the_field(client, params, field):
    answer = client.get("/v1/risk/lifts", params=params)
    assert answer.status_code == 422 and field in answer.text


def outbox(database_url) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT key, recipients, text FROM sms_outbox WHERE key LIKE "
                            "'risk:%' ORDER BY key").fetchall()


def test_the_lead_is_texted_once_when_a_lift_enters(client, reg, database_url):
    watch = RiskWatch(client.app.state.services)
    assert watch.run_once() == 1
    assert watch.run_once() == 0 and watch.tick() == 0  # still on the list: no second text
    [(key, recipients, text)] = outbox(database_url)
    assert key.startswith(f"risk:{code(1)}:")
    assert [r["mobile"] for r in recipients] == [LEAD["mobile"]]
    assert code(1) in text and "3 次" in text and "门系统" in text
    warned = client.get("/v1/risk/lifts").json()["items"][0]["warned_at"]
    assert warned is not None


def test_a_lift_that_leaves_and_enters_again_is_texted_again(client, reg, database_url):
    watch = RiskWatch(client.app.state.services)
    assert watch.run_once() == 1
    assert watch.run_once(now=NOW + timedelta(days=400)) == 0  # a quiet year later: it left
    assert client.get("/v1/risk/lifts").json()["items"][0]["warned_at"] is None
    assert watch.run_once() == 1  # entering again is news again
    assert len(outbox(database_url)) == 2


def test_console_risk_page_lists_them(client, reg):
    browser, _ = logged_in(client.app)
    page = browser.get("/console/risk")
    assert page.status_code == 200 and code(1) in page.text and "同因复发" in page.text
    assert 'href="/console/risk"' in page.text  # in the nav


def test_the_dispatcher_timer_checks_once_per_period_and_survives_a_failure():
    now, calls = [0.0], []
    services = SimpleNamespace(pool=None, settings=Settings(environment="test"))
    watch = RiskWatch(services, clock=lambda: now[0])

    def check(now_at=None):
        calls.append(now[0])
        if len(calls) == 2:
            raise RuntimeError("database away")
        return 0

    watch.run_once = check
    for t in (0, 10, 299, 300, 301, 600):
        now[0] = t
        watch.tick()  # the failure at 300 s is logged, never raised into the dispatcher
    assert calls == [0, 300, 600]


def test_a_warning_lost_to_a_crash_before_the_text_is_sent_next_check(client, reg,
                                                                      database_url):
    """[16-qa] The list row is committed before the SMS: a dispatcher that dies in between
    (here: the SMS step raises) must text the lead on its next check, not never."""
    services = client.app.state.services
    crashing = SimpleNamespace(send=lambda *a: (_ for _ in ()).throw(RuntimeError("killed")))
    with pytest.raises(RuntimeError):
        RiskWatch(SimpleNamespace(**{**vars(services), "sms": crashing})).run_once()
    assert outbox(database_url) == []
    watch = RiskWatch(services)  # the restarted dispatcher
    assert watch.run_once() == 1 and watch.run_once() == 0
    assert len(outbox(database_url)) == 1


def test_a_second_dispatcher_checking_at_the_same_time_texts_nobody(client, reg, database_url):
    """[16-qa] Two dispatcher processes: while one checks the list, the other's check is a
    no-op (so a lead whose text is still pending is never texted twice)."""
    services = client.app.state.services
    with RiskWatch(services).risk.exclusive() as first:
        assert first and RiskWatch(services).run_once() == 0
    assert RiskWatch(services).run_once() == 1 and len(outbox(database_url)) == 1
