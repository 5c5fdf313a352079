-- Issue 17, the rescuer's phone. One link per worker and ticket, sent in the station SMS: only
-- its SHA-256 is kept (the link itself is in the SMS outbox text, never here or in logs).
CREATE TABLE IF NOT EXISTS rescuer_links (
    link_hash   text PRIMARY KEY,
    ticket_id   text NOT NULL,
    station_id  text NOT NULL,
    worker_id   text NOT NULL,
    -- The SMS outbox key that carries it: one link per message, however often the
    -- dispatcher retries a notification.
    sms_key     text NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- The lift's QR label was opened on the phone holding this link (arrival by qr_scan).
    scanned_at  timestamptz,
    scanned_code text
);
CREATE INDEX IF NOT EXISTS rescuer_links_ticket ON rescuer_links (ticket_id);

-- Wrong or expired links per client address: too many in the window answer 429.
CREATE TABLE IF NOT EXISTS rescuer_link_misses (
    id        bigserial PRIMARY KEY,
    client    text NOT NULL,
    missed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS rescuer_link_misses_client ON rescuer_link_misses (client, missed_at);

-- tickets_view shape 5: how the arrival was proven (qr_scan | gps | reported). Old rows get
-- NULL here; PostgresTicketsView.SHAPE_VERSION = 5 replays the log, which fills them.
ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS arrival_proof text;
