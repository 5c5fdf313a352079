-- registry_view shape 2 (issue 15, units' full rescue information): the unit's 统一社会信用代码,
-- address, duty phone and its emergency lead's name, for the units list and the console.
-- Old rows get NULL here; PostgresRegistryView.SHAPE_VERSION = 2 replays the log, which fills them.
ALTER TABLE units_view ADD COLUMN IF NOT EXISTS code text;
ALTER TABLE units_view ADD COLUMN IF NOT EXISTS address text;
ALTER TABLE units_view ADD COLUMN IF NOT EXISTS duty_phone text;
ALTER TABLE units_view ADD COLUMN IF NOT EXISTS lead_name text;
