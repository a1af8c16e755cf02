-- Reversible pseudonyms: a token maps to the original value, kept only encrypted (AES-GCM).
-- value_mac (HMAC of the value) finds an existing token without decrypting anything.
CREATE TABLE pii_token (
    token       VARCHAR(64)  NOT NULL PRIMARY KEY,
    entity_type VARCHAR(32)  NOT NULL,
    value_mac   VARCHAR(64)  NOT NULL UNIQUE,
    ciphertext  VARCHAR(4096) NOT NULL,
    created_at  TIMESTAMP    NOT NULL
);

-- Every detokenization: who, when, which tokens (tokens are pseudonyms, not personal data).
CREATE TABLE pii_detokenization (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    actor       VARCHAR(255) NOT NULL,
    at          TIMESTAMP    NOT NULL,
    token_count INTEGER      NOT NULL,
    tokens      VARCHAR(8192) NOT NULL
);
