-- Tables added by issue 12: signed SMS delivery receipts, view health, audit chain heartbeats.
CREATE TABLE IF NOT EXISTS sms_receipts (
    id bigserial PRIMARY KEY, key text NOT NULL, mobile text NOT NULL,
    status text NOT NULL CHECK (status IN ('delivered', 'failed')), at timestamptz NOT NULL,
    error text, received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (key, mobile, status, at));
CREATE TABLE IF NOT EXISTS view_health (
    view text PRIMARY KEY,
    failures bigint NOT NULL DEFAULT 0,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_error text,
    last_error_at timestamptz,
    last_ok_at timestamptz,
    position bigint NOT NULL DEFAULT 0,
    newest bigint NOT NULL DEFAULT 0,
    lag bigint NOT NULL DEFAULT 0,
    behind_since timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS audit_chain_beats (
    application text PRIMARY KEY, position bigint NOT NULL, at_us bigint NOT NULL,
    signature text NOT NULL);
