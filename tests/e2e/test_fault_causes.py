"""[16-public] item 0: the industry fault cause classification, "other" needs a note, earlier
provisional codes map through previous_codes."""

from adapters.reference import FaultCauseTable
from tests.e2e.registry_helpers import make_station, make_unit
from tests.e2e.test_http_tickets import iso, open_ticket


def test_an_earlier_provisional_code_maps_to_its_category():
    table = FaultCauseTable()
    assert table.current("03", "01") == ("3", "门系统")  # provisional 门系统 → category 3
    assert table.current("01", "99") == ("2", "外部原因")  # provisional 外部 → category 2
    assert table.current("3", "302") == ("3/302", "门系统 / 层门（厅门）锁失效")
    assert table.current(None, None)[0] == "unknown" and table.current("88", "1")[0] == "unknown"
    merged = table.merge_counts([{"key": "03/01", "tickets": 2}, {"key": "03/99", "tickets": 1},
                                 {"key": "3/302", "tickets": 1}, {"key": "unknown", "tickets": 5}])
    assert merged == [{"key": "unknown", "name": "未知 (unknown)", "tickets": 5},
                      {"key": "3", "name": "门系统", "tickets": 3},
                      {"key": "3/302", "name": "门系统 / 层门（厅门）锁失效", "tickets": 1}]


def test_every_category_has_an_other_entry_that_needs_a_note():
    table = FaultCauseTable()
    for root, group in table.causes.items():
        assert any(table.needs_note(root, sub) for sub in group["sub"]), root
    assert not table.needs_note("3", "302") and not table.needs_note("7", "799")


def test_other_without_a_note_is_refused_naming_the_field(client, count_events):
    ticket = open_ticket(client)["ticket_id"]
    station = make_station(client, make_unit(client), workers=0)
    for path, body in [("notify", {"station_id": station, "at": iso(1)}),
                       ("release", {"released_count": 2, "released_by": "property",
                                    "at": iso(20)})]:
        assert client.post(f"/v1/tickets/{ticket}/{path}", json=body).status_code == 200
    before = count_events()
    for note in ("—", " - "):
        refused = client.post(f"/v1/tickets/{ticket}/fault-report", json={
            "cause": {"root": "7", "sub": "700"}, "description": note, "at": iso(30)})
        assert refused.status_code == 422, refused.text
        assert "description" in refused.text and "须填写说明" in refused.text
    assert count_events() == before
    old = client.post(f"/v1/tickets/{ticket}/fault-report", json={
        "cause": {"root": "03", "sub": "01"}, "description": "门锁", "at": iso(30)})
    assert old.status_code == 422 and "cause" in old.text  # new reports use today's codes
    filed = client.post(f"/v1/tickets/{ticket}/fault-report", json={
        "cause": {"root": "7", "sub": "700"}, "description": "轿厢照明短路", "at": iso(30)})
    assert filed.status_code == 200, filed.text
