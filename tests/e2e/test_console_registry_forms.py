"""Console registry forms: units' rescue info, stations' workers; redirect back, or say why."""

from tests.e2e.registry_helpers import make_station, make_unit
from tests.e2e.test_console_csrf import logged_in


def test_units_and_stations_pages_edit_and_come_back(client, views):
    unit_id = make_unit(client, name="表单维保")
    station_id = make_station(client, unit_id, name="表单一站", workers=1)
    browser, csrf = logged_in(client.app, role="admin")
    lead = browser.post(f"/console/registry/units/{unit_id}/rescue-info", follow_redirects=False,
                        data={"lead_name": "新负责人", "lead_mobile": "13800138123",
                              "csrf_token": csrf})
    assert lead.status_code == 303 and lead.headers["location"] == "/console/registry/units"
    # the redirect came after the registry view caught up with the change (and all before it)
    assert "表单维保" in browser.get("/console/registry/units").text
    assert "表单一站" in browser.get("/console/registry/stations").text
    assert client.app.state.services.registry.unit(unit_id).emergency_lead["name"] == "新负责人"
    bad = browser.post(f"/console/registry/units/{unit_id}/rescue-info",
                       data={"lead_name": "x", "lead_mobile": "123", "csrf_token": csrf})
    assert bad.status_code == 200 and 'data-error-for="lead_mobile"' in bad.text
    assert "表单维保" in bad.text

    added = browser.post(f"/console/registry/stations/{station_id}/workers",
                         follow_redirects=False,
                         data={"name": "新工", "mobile": "13700137999", "csrf_token": csrf})
    assert added.status_code == 303 and added.headers["location"] == "/console/registry/stations"
    workers = client.app.state.services.registry.station(station_id).workers
    new_id = next(wid for wid, w in workers.items() if w["name"] == "新工")
    removed = browser.post(f"/console/registry/stations/{station_id}/workers/{new_id}/remove",
                           data={"csrf_token": csrf}, follow_redirects=False)
    assert removed.status_code == 303
    assert new_id not in client.app.state.services.registry.station(station_id).workers


def test_read_only_role_sees_why_and_nothing_changes(client):
    unit_id = make_unit(client, name="只读维保")
    browser, csrf = logged_in(client.app, role="operator")
    refused = browser.post(f"/console/registry/units/{unit_id}/rescue-info",
                           data={"lead_name": "改", "lead_mobile": "13800138123",
                                 "csrf_token": csrf})
    assert refused.status_code == 403 and "read-only role" in refused.text
    assert "<form method=\"post\" action=\"/console/registry/units" not in refused.text
    assert client.app.state.services.registry.unit(unit_id).emergency_lead["name"] != "改"
