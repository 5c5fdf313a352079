"""LIFTRESCUE_PII_KEY: required in production, 32 bytes as hex or base64, dev keeps one 0600."""

import base64
import stat

import pytest
from pydantic import SecretStr

from adapters.cli.pii import period
from adapters.runtime.pii_key import TEST_KEY, decode_key, pii_key
from adapters.runtime.settings import Settings


def test_production_refuses_to_start_without_a_key_or_with_a_short_one(tmp_path):
    production = Settings(environment="production", state_dir=tmp_path)
    with pytest.raises(SystemExit, match="LIFTRESCUE_PII_KEY is required in production"):
        pii_key(production)
    with pytest.raises(SystemExit, match="32 bytes"):
        pii_key(production.model_copy(update={"pii_key": SecretStr("too-short")}))
    key = bytes(range(32, 64))
    for text in (key.hex(), base64.b64encode(key).decode()):
        assert pii_key(production.model_copy(update={"pii_key": SecretStr(text)})) == key


def test_dev_generates_one_key_0600_and_keeps_it(tmp_path):
    dev = Settings(environment="development", state_dir=tmp_path)
    first = pii_key(dev)
    assert len(first) == 32 and pii_key(dev) == first
    assert stat.S_IMODE((tmp_path / "pii-key").stat().st_mode) == 0o600
    assert pii_key(Settings(environment="test", state_dir=tmp_path)) == TEST_KEY != first


def test_purge_periods():
    assert period("180d").days == 180 and period("12h").total_seconds() == 12 * 3600
    for bad in ("180", "0d", "-1d", "6m", ""):
        with pytest.raises(ValueError, match="e.g. 180d"):
            period(bad)
    with pytest.raises(SystemExit):
        decode_key("zz" * 32)
