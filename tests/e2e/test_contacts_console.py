"""The console ticket page's contacts: tel: links for operators and the ticket's own unit,
nothing for auditors, and a warning (not a crash) when the key cannot decrypt."""

from fastapi.testclient import TestClient

from adapters.postgres.personal_data import PersonalDataStore
from tests.e2e.registry_helpers import make_unit
from tests.e2e.test_console_csrf import login_token
from tests.e2e.test_personal_data import CALLER, RESPONDER, registered_ticket


def browser_for(app, role: str, unit_id: str | None = None) -> TestClient:
    browser = TestClient(app)
    token = app.state.services.tokens.create(role=role, name="pii", unit_id=unit_id)[0]
    done = browser.post("/console/login", follow_redirects=False,
                        data={"token": token, "csrf_token": login_token(browser)})
    assert done.status_code == 303, done.text
    return browser


def test_operator_gets_tel_links_and_the_page_loads_them(client):
    _, ticket_id = registered_ticket(client)
    operator = browser_for(client.app, "operator")
    page = operator.get(f"/console/tickets/{ticket_id}")
    assert page.status_code == 200
    assert f'hx-get="/console/tickets/{ticket_id}/contacts"' in page.text
    panel = operator.get(f"/console/tickets/{ticket_id}/contacts")
    assert panel.status_code == 200
    for number in (CALLER, RESPONDER, "13900139000", "13700137000", "13800138000",
                   "13600136000"):
        assert f'href="tel:{number}"' in panel.text


def test_auditor_sees_no_numbers_and_units_only_their_own(client):
    unit_id, ticket_id = registered_ticket(client)
    auditor = browser_for(client.app, "auditor")
    page = auditor.get(f"/console/tickets/{ticket_id}/history")
    assert page.status_code == 200 and "tel:" not in page.text and CALLER not in page.text
    refused = auditor.get(f"/console/tickets/{ticket_id}/contacts")
    assert refused.status_code == 403 and "tel:" not in refused.text
    own = browser_for(client.app, "unit", unit_id).get(f"/console/tickets/{ticket_id}/contacts")
    assert own.status_code == 200 and f'href="tel:{CALLER}"' in own.text
    other = browser_for(client.app, "unit", make_unit(client, name="别家维保"))
    answer = other.get(f"/console/tickets/{ticket_id}/contacts")
    assert answer.status_code == 404 and CALLER not in answer.text


def test_wrong_key_shows_the_masked_number_with_a_warning(client):
    _, ticket_id = registered_ticket(client)
    services = client.app.state.services
    services.personal_data.aead = PersonalDataStore(services.pool, b"w" * 32).aead
    panel = browser_for(client.app, "operator").get(f"/console/tickets/{ticket_id}/contacts")
    assert panel.status_code == 200
    assert "138****5678" in panel.text and "LIFTRESCUE_PII_KEY" in panel.text
    assert f"tel:{CALLER}" not in panel.text
    # Registry contacts are in the store too (issue 14): unreadable with the wrong key.
    assert 'href="tel:13900139000"' not in panel.text and "139****9000" in panel.text
