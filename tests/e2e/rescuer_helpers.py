"""A notified ticket whose station's workers got their rescuer links (issue 17 tests)."""

import re

from tests.e2e.registry_helpers import make_lift, make_station, make_unit
from tests.live import wait_for

LINK = re.compile(r"https?://[^ ]+/r/([A-Za-z0-9_-]{20,})")


def bound_lift(client, workers: int = 2, **lift) -> tuple[str, str]:
    """A unit, a station with `workers` workers, and a lift bound to it: (station, code)."""
    unit = make_unit(client, "安达维保")
    station = make_station(client, unit, "南山一站", workers=workers)
    code = make_lift(client, unit, 1, **lift)
    bound = client.post(f"/v1/stations/{station}/bind", json={"registration_codes": [code]})
    assert bound.status_code == 200, bound.text
    client.get("/v1/lifts", params={"after": bound.json()["notification_id"]})
    return station, code


def alarm(client, code: str, ref: str) -> str:
    response = client.post("/v1/alarms", json={
        "lift": code, "source": "96333", "source_ref": ref, "trapped_count": 2,
        "caller": {"name": "李女士", "phone": "13812345678"}})
    assert response.status_code == 201, response.text
    return response.json()["ticket_id"]


def texted_links(services, ticket_id: str, count: int) -> dict[str, dict]:
    """Outbox key → {link, text, recipients} of the workers' link messages, once all are sent
    (read from the table: everything else shows the links cut short)."""
    def sent():
        with services.pool.connection() as conn:
            rows = conn.execute("SELECT key, text, recipients FROM sms_outbox WHERE ticket_id = %s "
                                "AND key LIKE '%%:link:%%'", (ticket_id,)).fetchall()
        return rows if len(rows) >= count else None
    rows = wait_for(sent, seconds=30, every=0.1)
    return {key: {"link": LINK.search(text).group(1), "text": text, "recipients": people}
            for key, text, people in rows}
