-- Metrics (issue 13): what the intake dead-lettered, per category (the API's /metrics reads it),
-- and partial indexes so a scrape counts failed SMS and failed receipts without reading the tables.
CREATE TABLE IF NOT EXISTS intake_dead_letters (
    category text PRIMARY KEY, count bigint NOT NULL, last_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS sms_outbox_failed ON sms_outbox (key) WHERE status = 'failed';
CREATE INDEX IF NOT EXISTS sms_outbox_created ON sms_outbox (created_at);
CREATE INDEX IF NOT EXISTS sms_receipts_failed ON sms_receipts (id) WHERE status = 'failed';
