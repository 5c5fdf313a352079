-- Risk warnings (issue 16 item 8): which lifts are on the repeated-entrapment list, so the
-- unit's emergency lead is texted once when a lift enters it (not on every check). A lift that
-- leaves the list loses its row; entering again texts again.
CREATE TABLE IF NOT EXISTS risk_warnings (
    registration_code text PRIMARY KEY,
    unit_id text,
    entered_at timestamptz NOT NULL DEFAULT now(),
    tickets int NOT NULL,
    shared_cause text,
    sms_key text);
