-- registry_view shape 5 (issue 15): each lift's 使用登记 date (when it really went into use),
-- which lifts_in_service counts it from (00:00 that day, Asia/Shanghai) before its record time
-- in our system. PostgresRegistryView.SHAPE_VERSION 5 replays the log into it.
ALTER TABLE lifts_view ADD COLUMN IF NOT EXISTS in_use_since date;
