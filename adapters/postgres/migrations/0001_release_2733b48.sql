-- Every table of ours as release 2733b48 (the last before issue 12) created it at start.
-- IF NOT EXISTS: a database made by that release (or a later one, before migrations existed)
-- adopts this migration as it is.
CREATE TABLE IF NOT EXISTS ticket_counters (
    day date PRIMARY KEY,
    last integer NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    status integer,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key));
CREATE TABLE IF NOT EXISTS api_tokens (
    id uuid PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    subject text NOT NULL,
    role text NOT NULL,
    unit_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz);
CREATE TABLE IF NOT EXISTS console_sessions (
    session_hash text PRIMARY KEY,
    token_id uuid NOT NULL REFERENCES api_tokens (id),
    expires_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS sms_outbox (
    key text PRIMARY KEY, ticket_id text NOT NULL, recipients jsonb NOT NULL, text text NOT NULL,
    gateway text NOT NULL, status text NOT NULL, attempts int NOT NULL DEFAULT 0, error text,
    created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS kafka_relay_positions (
    name text PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now());

-- registry_view (shape 1)
CREATE TABLE IF NOT EXISTS units_view (
    unit_id text PRIMARY KEY, name text, has_rescue_info boolean NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS stations_view (
    station_id text PRIMARY KEY, unit_id text NOT NULL, name text, district text,
    coverage jsonb, lead_name text, workers jsonb NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS lifts_view (
    lift_id text PRIMARY KEY, registration_code text UNIQUE, rescue_code text,
    unit_id text, station_id text, district text, street text, site_type text,
    using_unit_code text, using_unit_name text, address text, safety_manager_name text,
    in_service boolean NOT NULL DEFAULT true);
CREATE INDEX IF NOT EXISTS lifts_view_unit ON lifts_view (unit_id, using_unit_code);
CREATE INDEX IF NOT EXISTS lifts_view_rescue ON lifts_view (rescue_code);

-- deadlines (shape 1)
CREATE TABLE IF NOT EXISTS dispatch_deadlines (
    ticket_id text PRIMARY KEY, ticket_no text, lift jsonb, trapped_count int, unit_id text,
    stage text NOT NULL, level int NOT NULL DEFAULT 1, version int NOT NULL,
    since timestamptz NOT NULL, notified_at timestamptz);
CREATE INDEX IF NOT EXISTS dispatch_deadlines_due ON dispatch_deadlines (stage, since);

-- tickets_view (shape 1: no maint_notified_at)
CREATE TABLE IF NOT EXISTS tickets_view (
    ticket_id text PRIMARY KEY, ticket_no text, lift_code text, registration_code text,
    unit_id text, unit_name text, station_id text, station_name text, district text,
    site_type text, address text, dispatch text, status text, level int, trapped_count int,
    received_at timestamptz, notified_at timestamptz, assigned_at timestamptz,
    arrived_at timestamptz, released_at timestamptz, closed_at timestamptz,
    responder_name text, notified_station_id text, notified_station_name text,
    cancel_reason text, cause_root text, cause_sub text, version int);
CREATE INDEX IF NOT EXISTS tickets_view_received ON tickets_view (received_at DESC);
CREATE INDEX IF NOT EXISTS tickets_view_unit ON tickets_view (unit_id, received_at DESC);
CREATE INDEX IF NOT EXISTS tickets_view_open ON tickets_view (status)
    WHERE status IN ('received', 'notified', 'assigned');

-- The audit chain of the ticket log, unkeyed (plain SHA-256): 0003 keys it.
CREATE TABLE IF NOT EXISTS audit_chain (
    notification_id bigint PRIMARY KEY, originator_id uuid NOT NULL,
    originator_version bigint NOT NULL, record_hash text NOT NULL, chain_hash text NOT NULL);
