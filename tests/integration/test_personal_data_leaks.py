"""Full numbers kept in the personal-data store never leave by Kafka, exports, /events or logs."""

import io

import pytest
from openpyxl import load_workbook
from structlog.testing import capture_logs

from adapters.kafka.relay import RelayPosition
from tests.e2e.test_personal_data import CALLER, RESPONDER, registered_ticket
from tests.kafka_helpers import read_all, running, wait_for


@pytest.fixture()
def settings(kafka_settings, tmp_path):
    """The `client` fixture's app, wired to this test's broker topics."""
    return kafka_settings.model_copy(update={"state_dir": tmp_path})


def test_no_full_number_on_kafka_in_exports_events_or_logs(client, settings, views, caplog):
    services = client.app.state.services
    with capture_logs() as logs:
        _, ticket_id = registered_ticket(client)
        contacts = client.get(f"/v1/tickets/{ticket_id}/contacts")
    assert contacts.json()["caller"]["phone"] == CALLER  # the store does hold it
    last = services.tickets.recorder.max_notification_id()
    position = RelayPosition(services.pool, "ticket-events")
    with running("relay", services):
        wait_for(lambda: position.load() == last)
    sent = [r.value.decode() for r in read_all(settings.kafka_bootstrap,
                                               settings.kafka_events_topic)]
    assert any("138****5678" in text for text in sent)
    shown = [client.get(f"/v1/tickets/{ticket_id}/events").text,
             client.get(f"/v1/tickets/{ticket_id}").text]
    wait_for(lambda: client.get("/v1/tickets").json()["items"])
    csv = client.get("/v1/tickets", params={"format": "csv"}).content.decode("utf-8-sig")
    xlsx = load_workbook(io.BytesIO(client.get("/v1/tickets", params={"format": "xlsx"}).content))
    cells = "".join(str(v) for row in xlsx.active.iter_rows(values_only=True) for v in row)
    assert "王师傅" in csv and "王师傅" in cells  # this ticket is in both exports
    everything = "".join(sent + shown) + csv + cells + repr(logs) + caplog.text
    for number in (CALLER, RESPONDER):
        assert number not in everything
