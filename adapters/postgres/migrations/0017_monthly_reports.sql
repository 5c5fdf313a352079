-- Monthly analysis reports (issue 16 item 5), generated on a schedule by the dispatcher role or
-- on demand, kept as PDF bytes: a table, so every API process of a multi-process deploy serves
-- the same file. unit_id '' is the city-wide report (a key column cannot be NULL).
CREATE TABLE IF NOT EXISTS monthly_reports (
    month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    unit_id text NOT NULL DEFAULT '',
    edition text NOT NULL CHECK (edition IN ('full', 'public')),
    generated_at timestamptz NOT NULL DEFAULT now(),
    generated_by text NOT NULL,
    pdf bytea NOT NULL,
    PRIMARY KEY (month, unit_id, edition));
