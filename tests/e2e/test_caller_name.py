"""A caller's name is sealed like their phone (issue 14): events, Kafka, exports and logs hold
张**, operators and the ticket's own unit see 张三丰, auditors never; `pii purge` shreds it."""

from uuid import UUID

import psycopg
from structlog.testing import capture_logs

from adapters.cli.pii import purge
from adapters.kafka.messages import encode, event_message
from domain.values import mask_name
from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.e2e.test_contacts_console import browser_for
from tests.e2e.test_personal_data import CALLER, iso
from tests.kafka_helpers import wait_for

NAME, MASKED = "张三丰", "张**"


def test_mask_name_keeps_the_first_character():
    assert mask_name("张三丰") == "张**" and mask_name("Li Wei") == "L*****"
    assert mask_name("李") == "李" and mask_name(None) is None and mask_name("") == ""
    assert mask_name(mask_name("欧阳娜娜")) == "欧***"  # masking a masked name changes nothing


def _alarm(client) -> tuple[str, str, str]:
    unit_id = make_unit(client)
    station_id = make_station(client, unit_id)
    lift = make_lift(client, unit_id, 1)
    assert client.post(f"/v1/stations/{station_id}/bind",
                       json={"registration_codes": [lift]}).status_code == 200
    opened = client.post("/v1/alarms", json={
        "lift": lift, "source": "96333", "source_ref": "CC-NAME-1", "received_at": iso(0),
        "trapped_count": 1, "caller": {"name": NAME, "phone": CALLER}})
    assert opened.status_code == 201, opened.text
    return unit_id, opened.json()["ticket_id"], opened.json()["ticket_no"]


def test_caller_name_is_sealed_and_shown_only_to_those_allowed(client, token_for, views,
                                                               database_url, caplog):
    services = client.app.state.services
    with capture_logs() as logs:
        unit_id, ticket_id, ticket_no = _alarm(client)
    with psycopg.connect(database_url) as conn:
        raw = conn.execute("SELECT string_agg(encode(state, 'escape'), '') "
                           "FROM tickets_events").fetchone()[0]
        kinds = [k for (k,) in conn.execute("SELECT kind FROM personal_data")]
    assert "caller_name" in kinds and "name_ref" in raw
    # The relay's own encoding of every stored event of the ticket.
    stored = services.tickets.repository.event_store.get(UUID(ticket_id))
    wire = "".join(encode(event_message(e, unit_id), e.correlation_id)[1].decode()
                   for e in stored)
    assert MASKED in wire
    wait_for(lambda: client.get("/v1/tickets").json()["items"])
    csv = client.get("/v1/tickets", params={"format": "csv"}).content.decode("utf-8-sig")
    assert ticket_no in csv  # the export has the ticket
    shown = client.get(f"/v1/tickets/{ticket_id}/events").text + \
        client.get(f"/v1/tickets/{ticket_id}").text
    assert MASKED in shown
    auditor = browser_for(client.app, "auditor")
    auditor_page = auditor.get(f"/console/tickets/{ticket_id}")
    assert auditor_page.status_code == 200
    assert auditor.get(f"/console/tickets/{ticket_id}/contacts").status_code == 403
    assert client.get(f"/v1/tickets/{ticket_id}/contacts",
                      headers=token_for("auditor")).status_code == 403
    for place in (raw, wire, csv, shown, auditor_page.text, repr(logs), caplog.text):
        assert NAME not in place

    for headers in (token_for("operator"), token_for("unit", unit_id)):
        contacts = client.get(f"/v1/tickets/{ticket_id}/contacts", headers=headers)
        assert contacts.status_code == 200 and contacts.json()["caller"]["name"] == NAME
    panel = browser_for(client.app, "operator").get(f"/console/tickets/{ticket_id}/contacts")
    assert panel.status_code == 200 and NAME in panel.text

    with psycopg.connect(database_url) as conn:  # the alarm is 200 days old
        conn.execute("UPDATE personal_data SET created_at = now() - interval '200 days' "
                     "WHERE kind LIKE 'caller\\_%'")
    assert purge(services.personal_data, "180d") == 2  # the caller's name and phone
    caller = client.get(f"/v1/tickets/{ticket_id}/contacts").json()["caller"]
    assert caller["name"] == MASKED and caller["phone"] is None
