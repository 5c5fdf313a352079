-- tickets_view shape 3: the lift's rescue code and using unit (code, name) for ticket search
-- (issue 14). Old rows get NULL here; PostgresTicketsView.SHAPE_VERSION = 3 replays the log.
ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS rescue_code text;
ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS using_unit_code text;
ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS using_unit_name text;
-- Lists page newest first on (received_at, ticket_id); codes and ticket numbers match exactly.
CREATE INDEX IF NOT EXISTS tickets_view_received_id ON tickets_view (received_at DESC, ticket_id DESC);
CREATE INDEX IF NOT EXISTS tickets_view_unit_received_id
    ON tickets_view (unit_id, received_at DESC, ticket_id DESC);
CREATE INDEX IF NOT EXISTS tickets_view_ticket_no ON tickets_view (ticket_no);
CREATE INDEX IF NOT EXISTS tickets_view_registration ON tickets_view (registration_code);
CREATE INDEX IF NOT EXISTS tickets_view_rescue_code ON tickets_view (rescue_code);
CREATE INDEX IF NOT EXISTS tickets_view_using_unit ON tickets_view (using_unit_code);
