"""One 统一社会信用代码, one maintenance unit (issue 15 item 1, QA): a second unit giving a code
another unit holds is refused beside the field (API 409, console form), nothing stored; the
holder may save it again, and a code given up is free for another unit."""

from tests.e2e.registry_helpers import make_unit
from tests.e2e.test_console_unit_station_forms import console_as

CODE, OTHER_CODE = "914403001922038216", "91110108551385082Q"


def test_a_credit_code_is_one_units(client, views, count_events, token_for):
    first, second = make_unit(client, "甲维保"), make_unit(client, "乙维保")
    held = client.put(f"/v1/units/{first}/rescue-info", json={"code": CODE})
    assert held.status_code == 200, held.text
    client.get("/v1/units", params={"after": held.json()["notification_id"]})
    events = count_events("registry_events")
    for given in (CODE, CODE.lower()):
        taken = client.put(f"/v1/units/{second}/rescue-info", json={"code": given},
                           headers=token_for("unit", unit_id=second))
        assert taken.status_code == 409, taken.text
        assert taken.json()["errors"][0]["field"] == "code"
        assert "已被其他维保单位使用" in taken.json()["detail"] and "甲维保" not in taken.text
    browser, csrf = console_as(client.app, "unit", second)
    form = browser.post(f"/console/registry/units/{second}/rescue-info",
                        data={"code": CODE, "csrf_token": csrf})
    assert 'data-error-for="code"' in form.text and "已被其他维保单位使用" in form.text
    assert count_events("registry_events") == events
    again = client.put(f"/v1/units/{first}/rescue-info", json={"code": CODE, "address": "新址"})
    assert again.status_code == 200, again.text  # its own code: fine
    moved = client.put(f"/v1/units/{first}/rescue-info", json={"code": OTHER_CODE})
    client.get("/v1/units", params={"after": moved.json()["notification_id"]})
    freed = client.put(f"/v1/units/{second}/rescue-info", json={"code": CODE})
    assert freed.status_code == 200 and freed.json()["code"] == CODE, freed.text
