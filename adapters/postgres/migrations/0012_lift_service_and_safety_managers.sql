-- registry_view shape 4 (issue 15, lifts): when each lift was registered, whether it is in
-- service (the column existed, always true) and since when it is out, its location (WGS-84),
-- the register's safety manager it is assigned (with the masked mobile and its reference);
-- the out-of-service history the entrapment rate counts from (lifts_in_service.py); the
-- safety-manager register. PostgresRegistryView.SHAPE_VERSION 4 replays the log into them.
ALTER TABLE lifts_view ADD COLUMN IF NOT EXISTS registered_at timestamptz;
ALTER TABLE lifts_view ADD COLUMN IF NOT EXISTS out_of_service_since timestamptz;
ALTER TABLE lifts_view ADD COLUMN IF NOT EXISTS location jsonb;
ALTER TABLE lifts_view ADD COLUMN IF NOT EXISTS safety_manager_id text;
ALTER TABLE lifts_view ADD COLUMN IF NOT EXISTS safety_manager_mobile text;
ALTER TABLE lifts_view ADD COLUMN IF NOT EXISTS safety_manager_mobile_ref text;
CREATE INDEX IF NOT EXISTS lifts_view_station ON lifts_view (station_id);

-- One row per time a lift went out of service; back_since NULL while it still is.
CREATE TABLE IF NOT EXISTS lift_service_periods (
    period_id bigserial PRIMARY KEY, lift_id text NOT NULL,
    out_since timestamptz NOT NULL, back_since timestamptz);
CREATE INDEX IF NOT EXISTS lift_service_periods_lift ON lift_service_periods (lift_id);

CREATE TABLE IF NOT EXISTS safety_managers_view (
    manager_id text PRIMARY KEY, unit_id text NOT NULL, name text NOT NULL,
    mobile text, mobile_ref text);
CREATE INDEX IF NOT EXISTS safety_managers_view_unit ON safety_managers_view (unit_id, name);
