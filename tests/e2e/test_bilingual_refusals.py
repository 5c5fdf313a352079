"""Refusals over HTTP and on the console read "中文 (English)", times in the city's zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.test_console_csrf import logged_in

LIFT = "44030000000000012345"
CITY = ZoneInfo("Asia/Shanghai")


def open_ticket(client, ref: str, received_at: datetime) -> str:
    body = {"lift": LIFT, "source": "96333", "source_ref": ref,
            "received_at": received_at.isoformat(), "trapped_count": 1}
    response = client.post("/v1/alarms", json=body)
    assert response.status_code == 201, response.text
    return response.json()["ticket_id"]


def test_out_of_order_409_shows_city_times_and_chinese(client, count_events):
    morning = (datetime.now(CITY) - timedelta(days=1)).replace(hour=8, minute=20, second=0,
                                                                microsecond=0)
    ticket_id = open_ticket(client, "zh-409", morning)
    notified = client.post(f"/v1/tickets/{ticket_id}/notify",
                           json={"at": morning.replace(minute=40).isoformat()})
    assert notified.status_code == 200, notified.text
    refused = client.post(f"/v1/tickets/{ticket_id}/arrive",
                          json={"at": morning.replace(minute=31).isoformat()})
    assert refused.status_code == 409
    body = refused.json()
    assert body["type"].endswith("/node_out_of_order")  # the stable code is unchanged
    detail = body["detail"]
    assert "到场时间" in detail and "早于通知时间" in detail, detail
    assert "T08:31:00+08:00" in detail and "T08:40:00+08:00" in detail, detail
    assert "earlier than notified" in detail and "+00:00" not in detail, detail
    assert count_events() == 2


def test_domain_validation_422_is_chinese_and_english(client, count_events):
    ticket_id = open_ticket(client, "zh-422", datetime.now(UTC) - timedelta(hours=1))
    future = datetime.now(CITY) + timedelta(hours=2)
    refused = client.post(f"/v1/tickets/{ticket_id}/notify", json={"at": future.isoformat()})
    assert refused.status_code == 422
    body = refused.json()
    assert body["type"].endswith("/invalid_value")
    assert "晚于当前时间" in body["detail"] and "is in the future" in body["detail"], body
    assert "+08:00" in body["detail"] and body["errors"][0]["field"] == "at"
    assert count_events() == 1


def test_console_shows_the_chinese_refusal_in_city_time(client):
    ticket_id = open_ticket(client, "zh-console", datetime.now(UTC) - timedelta(minutes=30))
    # Within the clock skew allowed, and after the console's own click (`now`).
    soon = (datetime.now(UTC) + timedelta(seconds=90)).replace(microsecond=0)
    assert client.post(f"/v1/tickets/{ticket_id}/notify",
                       json={"at": soon.isoformat()}).status_code == 200
    browser, csrf = logged_in(client.app)
    page = browser.post(f"/console/tickets/{ticket_id}/arrive", data={"csrf_token": csrf},
                        headers={"Origin": "http://testserver"})
    assert page.status_code == 200
    assert "到场时间" in page.text and "早于通知时间" in page.text, page.text[-2000:]
    assert "earlier than notified" in page.text
    assert soon.astimezone(CITY).strftime("T%H:%M:%S+08:00") in page.text


def test_cli_history_prints_the_city_clock(client, settings, capsys):
    import argparse

    from adapters.cli import audit as cli_audit

    received = datetime(2026, 11, 22, 0, 15, tzinfo=UTC)  # 08:15 in Shanghai
    ticket_id = open_ticket(client, "zh-cli", received)
    cli_audit.run_history(argparse.Namespace(ticket_id=ticket_id, as_of=None), settings)
    printed = capsys.readouterr().out
    assert "occurred 2026-11-22T08:15:00+08:00" in printed, printed
    assert "+00:00" not in printed, printed


def test_dossier_page_shows_the_city_clock(client):
    received = datetime(2026, 11, 22, 0, 15, tzinfo=UTC)
    ticket_id = open_ticket(client, "zh-dossier", received)
    page = client.get(f"/v1/tickets/{ticket_id}/dossier.html")
    assert page.status_code == 200
    assert "2026-11-22 08:15:00" in page.text and "+00:00" not in page.text, page.text


def test_not_found_reads_chinese_and_english(client):
    missing = client.get("/v1/tickets/00000000-0000-0000-0000-000000000001")
    assert missing.status_code == 404
    assert missing.json()["detail"] == ("未找到工单 00000000-0000-0000-0000-000000000001 "
                                        "(no ticket 00000000-0000-0000-0000-000000000001)")
    lift = client.get("/v1/lifts/44030000000000099999")
    assert lift.status_code == 404 and lift.json()["detail"].startswith("未找到 ("), lift.text
