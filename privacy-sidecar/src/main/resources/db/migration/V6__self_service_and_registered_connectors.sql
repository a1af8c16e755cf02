-- Self-service erasure: the person who asked for their own erasure gets a cancellation code,
-- shown once; only its SHA-256 is kept, so they can cancel while their account is disabled.
ALTER TABLE dsr_request ADD COLUMN cancel_code_hash VARCHAR(64);
CREATE UNIQUE INDEX dsr_request_cancel_code ON dsr_request (cancel_code_hash);

-- Application connectors registered through the API (/api/v1/connectors), next to those in the
-- configuration. The HMAC secret is sealed (AES-256-GCM) under the vault's active key-encryption
-- key, bound to the connector's name; it is never stored or answered in plaintext.
CREATE TABLE dsr_connector (
    name            VARCHAR(64)   NOT NULL PRIMARY KEY,
    url             VARCHAR(2000) NOT NULL,
    kek_id          VARCHAR(32)   NOT NULL,
    secret_sealed   VARCHAR(1000) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by      VARCHAR(255)  NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by      VARCHAR(255)  NOT NULL
);
