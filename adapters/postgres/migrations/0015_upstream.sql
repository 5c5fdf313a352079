-- Issue 16 (upstream, 数据归集). City side: every upstream record the broker acknowledged, written
-- in the same transaction as the relay's position (kafka_relay_positions); `upstream reconcile`
-- counts and checksums these. Province side (`serve province`, its own database): the newest
-- version of each city's records, and the consumer offsets stored with them.
CREATE TABLE upstream_records (
    record_type text NOT NULL CHECK (record_type IN ('ticket', 'lift')),
    record_id text NOT NULL,
    record_version integer NOT NULL,
    business_day date,
    event_id text NOT NULL,
    body jsonb NOT NULL,
    acked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record_type, record_id, record_version));
CREATE INDEX upstream_records_day ON upstream_records (business_day) WHERE record_type = 'ticket';
CREATE TABLE province_records (
    city_code text NOT NULL,
    record_type text NOT NULL CHECK (record_type IN ('ticket', 'lift')),
    record_id text NOT NULL,
    record_version integer NOT NULL,
    business_day date,
    body jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (city_code, record_type, record_id));
CREATE INDEX province_records_day ON province_records (business_day) WHERE record_type = 'ticket';
CREATE TABLE province_offsets (
    topic text NOT NULL,
    partition integer NOT NULL,
    next_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition));
