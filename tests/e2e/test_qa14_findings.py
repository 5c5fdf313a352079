"""Issue 14 as its users met it (QA wave): what an operator, a unit user or an auditor saw
that was wrong, one test each."""

import pytest

WINDOWED = ["/v1/tickets", "/v1/overtime", "/v1/stats/tickets?group_by=unit",
            "/v1/stats/entrapment-rate", "/v1/stats/lifts", "/v1/stats/units",
            "/v1/stats/indicators"]


@pytest.mark.parametrize("path", WINDOWED)
def test_a_window_ending_before_it_starts_is_refused_naming_to(client, path):
    """`from` after `to` answered 200 with nothing, as if no ticket had ever been received."""
    sep = "&" if "?" in path else "?"
    reversed_window = client.get(f"{path}{sep}from=2026-11-24T05:00:00%2B08:00"
                                 "&to=2026-11-20T00:00:00%2B08:00")
    assert reversed_window.status_code == 422, reversed_window.text
    problem = reversed_window.json()
    assert [e["field"] for e in problem["errors"]] == ["query.to"]
    assert "须晚于 from" in problem["detail"] and "later than from" in problem["detail"]
    in_order = client.get(f"{path}{sep}from=2026-11-20T00:00:00%2B08:00"
                          "&to=2026-11-24T05:00:00Z")
    assert in_order.status_code == 200, in_order.text
