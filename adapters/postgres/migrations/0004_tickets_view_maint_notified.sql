-- tickets_view shape 2: when the maintenance side was first notified (overtime list, issue 12).
-- Old rows get NULL here; PostgresTicketsView.SHAPE_VERSION = 2 replays the log onto them.
ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS maint_notified_at timestamptz;
