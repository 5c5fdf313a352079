"""One Settings object, built once by the entry point (never at import time)."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.arrival_limits import ArrivalLimits


class Settings(BaseSettings):
    """Configuration from LIFTRESCUE_* environment variables."""

    # Frozen: built once by the entry point; an override is a copy (`model_copy(update=...)`).
    model_config = SettingsConfigDict(env_prefix="LIFTRESCUE_", extra="ignore", frozen=True)

    database_url: str | None = Field(
        None, description="External PostgreSQL; unset = embedded PostgreSQL under state_dir")
    state_dir: Path = Field(Path(".liftrescue"), description="Embedded data and local state")
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(1_048_576, ge=1024, description="Largest request body accepted "
                                "(413 beyond); the biggest legitimate body, a 5000-lift bind, "
                                "is about 120 KB")
    api_workers: int = Field(1, ge=1, description="API worker processes (`serve api`)")
    timezone: str = Field("Asia/Shanghai", description="Day and hour buckets in reports")
    overtime_minutes: int = Field(30, ge=1, description="Rescuer must be on site within this "
                                  "(the default arrival limit, minutes)")
    arrival_limit_by_district: dict[str, Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict, description="Districts whose arrival limit differs from "
        "overtime_minutes, as JSON: {\"大鹏新区\": 60} (TSG T5002: 30 min in city districts, "
        "60 elsewhere; Shenzhen: 30 everywhere, so empty)")
    unnotified_alarm_minutes: int = Field(
        3, ge=1, description="The console board turns a ticket red when the maintenance side "
        "was not notified within this many minutes of receipt")
    accept_timeout_seconds: float = Field(300, description="No responder by then → escalate")
    link_window_minutes: int = Field(60, ge=0, description="An alarm from another source for a "
                                     "lift whose ticket is open and was received within this "
                                     "joins that ticket (AlarmLinked); 0 = never link")
    sms_gateway: Literal["log", "http"] | None = Field(
        None, description="http = JSON gateway; log = outbox only, nobody is told. Unset: log "
        "outside production; production refuses to start the dispatcher (see sms_problem)")
    sms_http_url: str | None = Field(None, description="JSON gateway URL for sms_gateway=http")
    sms_drill: bool = Field(False, description="Allow sms_gateway=log in production: a drill")
    sms_receipt_secret: SecretStr | None = Field(
        None, description="HMAC-SHA256 key the gateway signs POST /v1/sms/receipts with")
    dispatcher_poll_seconds: float = 0.5
    db_pool_size: int = Field(8, description="Connections per process for the event store")
    db_lock_timeout_seconds: int = 5
    group_commit: bool = Field(True, description="Save concurrent ticket commands in shared "
                               "transactions (one disk flush per batch)")
    metrics_port: int | None = Field(None, description="`serve` of a role other than api: "
                                     "its own counters at http://host:PORT/metrics")
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"
    environment: Literal["development", "production", "test"] = "development"
    audit_key: SecretStr | None = Field(
        None, description="HMAC key of the audit chain and its checkpoints; required in "
        "production; development keeps one in state_dir/audit-key (docs/AUDIT.md)")
    pii_key: SecretStr | None = Field(
        None, description="AES-256-GCM key of the personal-data table (32 bytes, base64 or "
        "hex); required in production; development keeps one in state_dir/pii-key")
    audit_grace_seconds: float = Field(
        10.0, ge=0, description="Events after the chain head are pending, not unchained, while "
        "the audit-chain role passed within this")
    audit_checkpoint_seconds: float = Field(
        60.0, gt=0, description="How often the audit-chain role writes a signed checkpoint")
    audit_checkpoint_file: Path | None = Field(
        None, description="Append-only JSON lines; unset = state_dir/audit-checkpoints.jsonl")
    kafka_audit_topic: str = "lift.audit-checkpoints.v1"
    kafka_bootstrap: str | None = Field(
        None, description="Kafka bootstrap servers; unset = `dev` starts an embedded Tansu broker")
    kafka_events_topic: str = "lift.ticket-events.v1"
    kafka_alarms_topic: str = "lift.alarms.v1"
    kafka_dlq_topic: str = "lift.alarms.v1.dlq"
    kafka_intake_group: str = "liftrescue-intake"
    kafka_partitions: int = Field(3, description="Partitions for topics we create")
    city_code: str = Field("440300", pattern=r"^\d{6}$", description="This platform's city "
                           "(6-digit administrative division code) in upstream records")
    kafka_upstream_topic: str = Field("lift.upstream.v1", description="Upstream records out "
                                      "(数据归集); cities sharing a broker may share it")
    province_topics: str = Field("lift.upstream.v1", description="`serve province`: the "
                                 "cities' upstream topics, comma-separated")
    province_group: str = Field("liftrescue-province", description="`serve province`: one "
                                "consumer group; more processes share the partitions")
    upstream_http_url: str | None = Field(None, description="Also POST every upstream record "
                                          "here (JSON, signed); unset = Kafka only")
    upstream_http_secret: SecretStr | None = Field(
        None, description="HMAC-SHA256 key of the upstream HTTP push's X-LiftRescue-Signature")
    view_stall_seconds: float = Field(
        30.0, gt=0, description="A view behind its log without progress this long: not ready")
    view_failures_unready: int = Field(
        3, ge=1, description="Runner failures in a row that make a view not ready")
    dispatcher_behind_seconds: float = Field(
        60.0, gt=0, description="An auto-dispatched alarm not yet notified after this long: "
        "/readyz and the console say the dispatcher is behind")
    session_idle_minutes: int = Field(
        120, ge=1, description="A console session unused this long ends (back to the login page)")
    session_hours: float = Field(
        12, gt=0, description="A console session ends this long after login, used or not")
    login_max_failures: int = Field(
        5, ge=1, description="Failed logins per username within login_window_minutes before 429")
    login_max_failures_per_client: int = Field(
        20, ge=1, description="Failed logins per client address within the window before 429 "
        "(higher than per user: a control room shares one address)")
    login_window_minutes: int = Field(15, ge=1, description="The failed-login counting window")
    # Issue 16: public pages (/p/...) and risk warnings.
    public_rate_per_minute: int = Field(60, ge=1, description="Public page requests per client "
                                        "address per minute, per process (429 beyond)")
    trusted_proxies: str = Field("", description="Comma-separated addresses of the reverse "
                                 "proxies whose X-Forwarded-For names the client (rate limits); "
                                 "empty = the connection's address, whatever the header says")
    risk_days: int = Field(90, ge=1, le=366, description="Risk warning window (days)")
    risk_min_tickets: int = Field(3, ge=2, description="Entrapments in risk_days that put a "
                                  "lift on the risk list (its unit lead is texted once)")
    risk_check_seconds: float = Field(300, gt=0, description="How often the dispatcher role "
                                      "checks the risk list")
    # Issue 17: the rescuer's phone page (/r/{link}), linked from the station SMS.
    public_base_url: str = Field("http://127.0.0.1:8000", description="Where phones reach the "
                                 "service: SMS links read {public_base_url}/r/{link}")
    rescuer_link_hours: float = Field(24, gt=0, le=24, description="A rescuer link lives until "
                                      "its ticket closes, and at most this long")
    arrival_gps_within_m: float = Field(150, gt=0, description="A phone position this close to "
                                        "the lift's location proves arrival (gps)")
    operator_desk_phone: str = Field("96333", description="The operator desk, as a tel: link "
                                     "on the rescuer page")
    rescuer_link_max_misses: int = Field(10, ge=1, description="Wrong or expired rescuer links "
                                         "per client address within the window before 429")
    rescuer_link_window_minutes: int = Field(10, ge=1, description="Rescuer link miss window")
    # Issue 16 item 5: the dispatcher role stores last month's reports from the 1st (city time).
    monthly_reports: bool = Field(True, description="The dispatcher role makes and stores the "
                                  "previous month's reports (false = only on demand)")
    report_check_seconds: float = Field(3600, gt=0, description="How often the dispatcher "
                                        "looks for monthly reports due")

    @field_validator("sms_gateway", "sms_http_url", "sms_receipt_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # compose passes `${VAR:-}` through as an empty string: that is "not configured".
        return None if value == "" else value

    @field_validator("arrival_limit_by_district")
    @classmethod
    def _known_districts(cls, value: dict[str, int]) -> dict[str, int]:
        # A misspelt district would silently keep the default limit: refuse it at start.
        from adapters.reference import districts

        unknown = sorted(set(value) - set(districts()))
        if unknown:
            raise ValueError(f"unknown district(s) {unknown}; known: {districts()}")
        return value

    def arrival_limits(self) -> ArrivalLimits:
        """The arrival limit of every district (overtime, the overdue warning, statistics)."""
        return ArrivalLimits(self.overtime_minutes, self.arrival_limit_by_district)

    def sms_problem(self) -> str | None:
        """Why the dispatcher must not start on this SMS configuration (None = fine)."""
        if self.sms_gateway == "http" and not self.sms_http_url:
            return ("LIFTRESCUE_SMS_GATEWAY=http needs LIFTRESCUE_SMS_HTTP_URL "
                    "(the gateway's JSON endpoint)")
        if self.environment != "production":
            return None
        if self.sms_gateway is None:
            return ("no SMS gateway configured: production will not dispatch without one. Set "
                    "LIFTRESCUE_SMS_GATEWAY=http and LIFTRESCUE_SMS_HTTP_URL, or for a drill "
                    "LIFTRESCUE_SMS_GATEWAY=log with LIFTRESCUE_SMS_DRILL=true (nobody is told)")
        if self.sms_gateway == "log" and not self.sms_drill:
            return ("LIFTRESCUE_SMS_GATEWAY=log tells nobody: in production it needs "
                    "LIFTRESCUE_SMS_DRILL=true (a drill), or use the http gateway")
        return None

    def require_sms_gateway(self) -> None:
        """Refuse to start the dispatcher where its messages would silently reach nobody."""
        if problem := self.sms_problem():
            raise SystemExit(problem)

    def require_production_safe(self) -> None:
        """Refuse to serve production on embedded defaults."""
        if not self.database_url:
            raise SystemExit(
                "LIFTRESCUE_DATABASE_URL is required for `liftrescue serve`; "
                "use `liftrescue dev` for the embedded database")
