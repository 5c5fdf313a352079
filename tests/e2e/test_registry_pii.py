"""Registry contacts out of the immutable events (issue 14): new events hold the masked mobile
and a reference; the full number is encrypted in the personal-data store."""

import logging
from datetime import timedelta

import psycopg
import pytest

from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.live import dispatcher_running, wait_for

WORKER, LEAD = "13700137000", "13900139000"


@pytest.fixture()
def dispatching(client):
    with dispatcher_running(client.app.state.services) as services:
        yield services


def bound_station(client) -> tuple[str, str, str]:
    unit = make_unit(client, "密封维保")
    station = make_station(client, unit, "密封站", workers=1)  # worker 工0, 13700137000
    lift = make_lift(client, unit, 41, safety_manager={"name": "赵安全", "mobile": "13600136000"})
    last = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": [lift]})
    client.get("/v1/lifts", params={"after": last.json()["notification_id"]})
    return unit, station, lift


def test_new_registry_contacts_are_encrypted_and_absent_from_the_events(client, database_url):
    bound_station(client)
    with psycopg.connect(database_url) as conn:
        raw = conn.execute("SELECT string_agg(encode(state, 'escape'), '') "
                           "FROM registry_events").fetchone()[0]
        kinds = {k for (k,) in conn.execute("SELECT kind FROM personal_data")}
        sealed = b"".join(bytes(c) for (c,) in conn.execute(
            "SELECT ciphertext FROM personal_data WHERE kind LIKE 'registry_%'"))
    for number in (WORKER, LEAD, "13800138000", "13600136000"):
        assert number not in raw and number.encode() not in sealed
    assert "137****7000" in raw and "mobile_ref" in raw
    assert {"registry_worker", "registry_lead", "registry_emergency_lead",
            "registry_safety_manager"} <= kinds


def test_admin_reads_full_numbers_and_an_auditor_masked(client, token_for):
    unit, station, lift = bound_station(client)
    admin = client.get(f"/v1/stations/{station}").json()
    assert admin["lead"]["mobile"] == LEAD and admin["workers"][0]["mobile"] == WORKER
    assert "mobile_ref" not in admin["lead"]
    auditor = token_for("auditor")
    seen = client.get(f"/v1/stations/{station}", headers=auditor).json()
    assert seen["lead"]["mobile"] == "139****9000"
    assert seen["workers"][0]["mobile"] == "137****7000"
    assert client.get(f"/v1/lifts/{lift}", headers=auditor).json()["safety_manager"][
        "mobile"] == "136****6000"
    assert client.get(f"/v1/lifts/{lift}").json()["safety_manager"]["mobile"] == "13600136000"
    assert client.get(f"/v1/units/{unit}").json()["emergency_lead"]["mobile"] == "13800138000"
    own = token_for("unit", unit_id=unit)
    assert client.get(f"/v1/units/{unit}", headers=own).json()["emergency_lead"][
        "mobile"] == "13800138000"


def test_resending_the_same_facts_records_nothing_new(client, count_events):
    unit, _, lift = bound_station(client)
    before = count_events("registry_events")
    again = client.put(f"/v1/lifts/{lift}", json={
        "unit_id": unit, "using_unit": {"code": "U-1", "name": "物业U-1"},
        "address": "海德三道 88 号", "district": "南山区",
        "safety_manager": {"name": "赵安全", "mobile": "13600136000"}})
    assert again.status_code == 200, again.text
    assert count_events("registry_events") == before


def test_dispatcher_texts_the_full_number_and_a_purged_one_is_logged(client, dispatching,
                                                                   caplog):
    _, station, lift = bound_station(client)
    ticket_id = client.post("/v1/alarms", json={"lift": lift, "source": "iot",
                                                "source_ref": "pii-r1",
                                                "trapped_count": 1}).json()["ticket_id"]

    def texted():
        with dispatching.pool.connection() as conn:
            row = conn.execute("SELECT recipients FROM sms_outbox WHERE ticket_id = %s",
                               (ticket_id,)).fetchone()
        return row[0] if row else None
    recipients = wait_for(texted, every=0.1)
    assert {"name": "工0", "mobile": WORKER} in [
        {"name": r["name"], "mobile": r["mobile"]} for r in recipients]

    with dispatching.pool.connection() as conn:
        conn.execute("UPDATE personal_data SET created_at = now() - interval '2 days' "
                     "WHERE kind = 'registry_worker'")
    # A purge never reaches a contact on duty (only ticket data ages out) ...
    assert dispatching.personal_data.purge(timedelta(days=1)) == 0
    assert client.get(f"/v1/stations/{station}").json()["workers"][0]["mobile"] == WORKER
    # ... but a number that is gone anyway (shredded by hand, lost key) reads masked, and the
    # dispatcher says so loudly instead of texting nobody in silence.
    with dispatching.pool.connection() as conn:
        conn.execute("UPDATE personal_data SET ciphertext = NULL, nonce = NULL, "
                     "purged_at = now() WHERE kind = 'registry_worker'")
    shown = client.get(f"/v1/stations/{station}").json()
    assert shown["workers"][0]["mobile"] == "137****7000"
    assert shown["lead"]["mobile"] == LEAD
    worker = next(iter(dispatching.registry.station(station).workers.values()))
    caplog.clear()
    with caplog.at_level(logging.ERROR):  # stdlib: structlog loggers are cached on first use
        assert dispatching.dispatcher._recipient(worker) is None
    assert any("contact_unreachable" in str(r.msg) and "purged" in str(r.msg)
               for r in caplog.records if r.levelno == logging.ERROR)


def test_console_stations_page_calls_workers_for_operators_not_auditors(client, views):
    from tests.e2e.test_contacts_console import browser_for

    unit, _, _ = bound_station(client)
    for role, unit_id in (("operator", None), ("unit", unit)):
        page = browser_for(client.app, role, unit_id).get("/console/registry/stations")
        assert page.status_code == 200 and f'href="tel:{WORKER}"' in page.text, role
    audited = browser_for(client.app, "auditor").get("/console/registry/stations")
    assert audited.status_code == 200 and "137****7000" in audited.text
    assert "tel:" not in audited.text and WORKER not in audited.text
