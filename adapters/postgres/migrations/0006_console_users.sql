-- Console users (issue 14): people log in with a username and a password (argon2id hash only);
-- tokens stay for machines. A session belongs to a token or to a user, never both, and expires
-- after an idle time and an absolute time (Settings.session_idle_minutes / session_hours).
CREATE TABLE IF NOT EXISTS console_users (
    username text PRIMARY KEY,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'operator', 'unit', 'auditor')),
    unit_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    CHECK ((role = 'unit') = (unit_id IS NOT NULL)));
-- Failed logins, per username and per client address, shared by every API worker.
CREATE TABLE IF NOT EXISTS console_login_failures (
    id bigserial PRIMARY KEY,
    username text NOT NULL,
    client text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS console_login_failures_user ON console_login_failures (username, failed_at);
CREATE INDEX IF NOT EXISTS console_login_failures_client ON console_login_failures (client, failed_at);
CREATE INDEX IF NOT EXISTS console_login_failures_at ON console_login_failures (failed_at);
ALTER TABLE console_sessions ALTER COLUMN token_id DROP NOT NULL;
ALTER TABLE console_sessions ADD COLUMN IF NOT EXISTS username text REFERENCES console_users (username);
ALTER TABLE console_sessions ADD COLUMN IF NOT EXISTS last_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE console_sessions ADD CONSTRAINT console_sessions_owner
    CHECK ((token_id IS NULL) <> (username IS NULL));
CREATE INDEX IF NOT EXISTS console_sessions_username ON console_sessions (username);
