"""Value helpers: masking, numbering, log scrubbing."""

import json
import logging
from datetime import datetime

from adapters.reference import FaultCauseTable, districts, site_types
from adapters.runtime.logging import configure_logging, mask_phones
from domain.values import mask_mobile, ticket_number


def test_mask_mobile_keeps_prefix_and_suffix():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile(None) is None
    assert mask_mobile("12345") == "*****"


def test_ticket_number_format():
    assert ticket_number(datetime(2026, 11, 22), 123) == "T20261122-000123"


def test_log_scrubbing_masks_nested_phones_but_not_longer_digit_runs():
    scrubbed = mask_phones({"a": "call 13912345678 now", "b": ["15800001111"],
                            "code": "44030000000000012345"})
    assert scrubbed == {"a": "call 139****5678 now", "b": ["158****1111"],
                        "code": "44030000000000012345"}


def test_logs_never_contain_a_phone_number(capfd):
    configure_logging("INFO", "json")
    logging.getLogger("x").info("caller %s", "13812345678")
    import structlog

    structlog.get_logger("y").info("sms_sent", to="13698765432", nested={"m": "13512341234"})
    err = capfd.readouterr().err
    assert "13812345678" not in err and "13698765432" not in err and "13512341234" not in err
    lines = [json.loads(line) for line in err.strip().splitlines()]
    assert any("136****5432" == line.get("to") for line in lines)
    configure_logging("WARNING", "console")


def test_reference_data_is_loaded_not_hard_coded():
    table = FaultCauseTable()
    assert table.describe("3", "302") == "门系统 / 层门（厅门）锁失效"
    assert table.describe("3", "42") is None and table.describe("03", "01") is None
    assert "南山区" in districts() and len(site_types()) == 9
