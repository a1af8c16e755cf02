-- Envelope encryption: each entry's value is sealed under its own data key (AES-GCM, bound to the
-- row's token, type, scheme, domain and lookup MAC); the data key is wrapped by the key-encryption
-- key kek_id. Entries from V1 (marked kek_id 'legacy-v1', sealed directly under the vault key, bound
-- to nothing) stay readable and are re-sealed by the background re-wrap soon after start-up.
-- Random tokens have no value_mac; deterministic ones are found by it.
ALTER TABLE pii_token ADD COLUMN kek_id VARCHAR(32);
ALTER TABLE pii_token ADD COLUMN wrapped_key VARCHAR(128);
ALTER TABLE pii_token ADD COLUMN scheme VARCHAR(16) DEFAULT 'deterministic' NOT NULL;
ALTER TABLE pii_token ADD COLUMN token_domain VARCHAR(64);
ALTER TABLE pii_token ALTER COLUMN value_mac DROP NOT NULL;
UPDATE pii_token SET kek_id = 'legacy-v1';
CREATE INDEX pii_token_kek ON pii_token (kek_id);

-- The sidecar's audit trail: append-only, HMAC-chained (prev_hash -> hash), gapless seq.
CREATE TABLE sidecar_audit_record (
    seq         BIGINT        NOT NULL PRIMARY KEY,
    record_id   VARCHAR(36)   NOT NULL UNIQUE,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    action      VARCHAR(64)   NOT NULL,
    actor       VARCHAR(255),
    actor_name  VARCHAR(255),
    client_id   VARCHAR(255),
    details     VARCHAR(200000) NOT NULL,
    prev_hash   VARCHAR(64)   NOT NULL,
    hash        VARCHAR(64)   NOT NULL
);

-- The chain's head, locked by every append; mac (HMAC under the chain key, set by the service at
-- its first start) makes a truncated chain with a rewound head detectable.
CREATE TABLE sidecar_audit_head (
    id        INTEGER     NOT NULL PRIMARY KEY,
    last_seq  BIGINT      NOT NULL,
    last_hash VARCHAR(64) NOT NULL,
    mac       VARCHAR(64)
);
INSERT INTO sidecar_audit_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- How far each sink has taken the trail; sinks are named by the SHA-256 of their URL (URLs may hold credentials).
CREATE TABLE sidecar_audit_cursor (
    sink          VARCHAR(64)  NOT NULL PRIMARY KEY,
    delivered_seq BIGINT       NOT NULL
);

-- Detokenizations from before the trail (V1) stay here, unchanged; new ones are trail records.
COMMENT ON TABLE pii_detokenization IS 'Detokenizations recorded before 0.2; see sidecar_audit_record';
