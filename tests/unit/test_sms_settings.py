"""SMS settings: production never dispatches through a gateway that silently tells nobody."""

import pytest

from adapters.runtime.settings import Settings


@pytest.fixture(autouse=True)
def no_sms_environment(monkeypatch):
    for name in ("GATEWAY", "HTTP_URL", "DRILL", "RECEIPT_SECRET"):
        monkeypatch.delenv(f"LIFTRESCUE_SMS_{name}", raising=False)
    monkeypatch.delenv("LIFTRESCUE_ENVIRONMENT", raising=False)


def test_production_without_a_gateway_refuses_with_what_to_set():
    settings = Settings(environment="production")
    assert settings.sms_gateway is None  # no silent `log` default
    with pytest.raises(SystemExit) as refused:
        settings.require_sms_gateway()
    assert "no SMS gateway configured" in str(refused.value)
    assert "LIFTRESCUE_SMS_HTTP_URL" in str(refused.value)


def test_production_log_needs_an_explicit_drill():
    with pytest.raises(SystemExit, match="LIFTRESCUE_SMS_DRILL=true"):
        Settings(environment="production", sms_gateway="log").require_sms_gateway()
    Settings(environment="production", sms_gateway="log", sms_drill=True).require_sms_gateway()
    Settings(environment="production", sms_gateway="http",
             sms_http_url="https://sms.example/send").require_sms_gateway()


@pytest.mark.parametrize("environment", ["development", "test", "production"])
def test_http_without_a_url_is_refused_everywhere(environment):
    with pytest.raises(SystemExit, match="LIFTRESCUE_SMS_HTTP_URL"):
        Settings(environment=environment, sms_gateway="http").require_sms_gateway()


def test_development_and_tests_keep_the_log_gateway(monkeypatch):
    Settings(environment="development").require_sms_gateway()
    Settings(environment="test").require_sms_gateway()
    monkeypatch.setenv("LIFTRESCUE_SMS_GATEWAY", "")  # compose's `${VAR:-}`: not configured
    monkeypatch.setenv("LIFTRESCUE_SMS_RECEIPT_SECRET", "")
    settings = Settings()
    assert settings.sms_gateway is None and settings.sms_receipt_secret is None
    monkeypatch.setenv("LIFTRESCUE_SMS_RECEIPT_SECRET", "s3cret")
    assert "s3cret" not in repr(Settings())  # a secret never reaches a log line
