"""The provincial view is in the console's navigation for supervisors' roles, never a unit's."""

from tests.e2e.registry_helpers import make_unit
from tests.integration.test_view_failures import board_as


def test_province_link_for_supervisors_not_for_units(client):
    for role in ("admin", "operator", "auditor"):
        assert 'href="/console/province"' in board_as(client, role), role
    unit = make_unit(client)
    assert 'href="/console/province"' not in board_as(client, "unit", unit)
