-- Personal data (issue 14): phone numbers of callers, responders and contacts live here,
-- encrypted (AES-256-GCM, key from Settings.pii_key), never in the immutable events, which
-- hold the reference and the masked form. Purging crypto-shreds: ciphertext and nonce go,
-- the row stays so a purged reference is told apart from an unknown one.
CREATE TABLE IF NOT EXISTS personal_data (
    ref uuid PRIMARY KEY,
    kind text NOT NULL,
    ciphertext bytea,
    nonce bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    purged_at timestamptz,
    CHECK ((purged_at IS NULL) = (ciphertext IS NOT NULL AND nonce IS NOT NULL)));
CREATE INDEX IF NOT EXISTS personal_data_unpurged ON personal_data (created_at)
    WHERE purged_at IS NULL;
