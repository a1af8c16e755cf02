-- Consent ledger (GDPR Art. 7): purposes with versioned texts, and every grant and withdrawal per
-- person, never updated. A person's current state per purpose is their latest record for it.
CREATE TABLE consent_purpose (
    purpose_key  VARCHAR(64)   NOT NULL,
    version      INTEGER       NOT NULL,
    text         VARCHAR(20000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(255)  NOT NULL,
    PRIMARY KEY (purpose_key, version)
);

CREATE TABLE consent_record (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    subject_id      VARCHAR(255)  NOT NULL,
    purpose_key     VARCHAR(64)   NOT NULL,
    purpose_version INTEGER       NOT NULL,
    granted         BOOLEAN       NOT NULL,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    actor           VARCHAR(255)  NOT NULL,
    source          VARCHAR(64)   NOT NULL,
    FOREIGN KEY (purpose_key, purpose_version) REFERENCES consent_purpose (purpose_key, version)
);
CREATE INDEX consent_record_subject ON consent_record (subject_id, purpose_key, at);
CREATE INDEX consent_record_purpose ON consent_record (purpose_key, at);
