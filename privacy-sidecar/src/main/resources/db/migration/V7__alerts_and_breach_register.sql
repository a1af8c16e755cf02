-- Keycloak's audit trail, received from its outbox (POST /api/v1/audit/events). One row per record
-- id makes delivery idempotent; rows older than kinga.audit-intake.keep are pruned. Only what
-- ordering and deduplication need is kept: the records themselves stay in Keycloak's trail.
CREATE TABLE audit_intake_record (
    record_id     VARCHAR(64)   NOT NULL PRIMARY KEY,
    realm_id      VARCHAR(255)  NOT NULL,
    seq           BIGINT        NOT NULL,
    record_type   VARCHAR(64)   NOT NULL,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX audit_intake_record_received ON audit_intake_record (received_at);

-- Per realm: the highest sequence number and hash received, and what did not line up (a gap in
-- the sequence, a record older than one already received, a prevHash that does not continue the
-- chain). Locked for each delivery, so a realm's records are taken one at a time.
CREATE TABLE audit_intake_realm (
    realm_id      VARCHAR(255)  NOT NULL PRIMARY KEY,
    realm_name    VARCHAR(255),
    last_seq      BIGINT        NOT NULL,
    last_hash     VARCHAR(128),
    records       BIGINT        NOT NULL,
    duplicates    BIGINT        NOT NULL,
    gaps          BIGINT        NOT NULL,
    out_of_order  BIGINT        NOT NULL,
    chain_breaks  BIGINT        NOT NULL,
    first_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Security alerts raised by Keycloak's trail (SECURITY_ALERT records), for triage.
CREATE TABLE security_alert (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    record_id        VARCHAR(64)   NOT NULL UNIQUE,
    realm_id         VARCHAR(255)  NOT NULL,
    realm_name       VARCHAR(255),
    seq              BIGINT        NOT NULL,
    raised_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    rule_name        VARCHAR(64)   NOT NULL,
    severity         VARCHAR(16)   NOT NULL,
    summary          VARCHAR(500),
    subject_id       VARCHAR(255),
    actor_user_id    VARCHAR(255),
    actor_client_id  VARCHAR(255),
    -- personal: the address the alert came from; nulled when the person is erased
    actor_ip         VARCHAR(64),
    details          VARCHAR(20000),
    state            VARCHAR(16)   NOT NULL,
    acknowledged_at  TIMESTAMP WITH TIME ZONE,
    acknowledged_by  VARCHAR(255),
    resolved_at      TIMESTAMP WITH TIME ZONE,
    resolved_by      VARCHAR(255),
    note             VARCHAR(4000),
    incident_id      VARCHAR(36),
    version          BIGINT        DEFAULT 0 NOT NULL
);
CREATE INDEX security_alert_state ON security_alert (state, raised_at);
CREATE INDEX security_alert_subject ON security_alert (subject_id);
CREATE INDEX security_alert_actor ON security_alert (actor_user_id);

-- The breach register (GDPR Art. 33(5): every personal-data breach is documented, notified or not).
CREATE TABLE breach_incident (
    id                         VARCHAR(36)   NOT NULL PRIMARY KEY,
    reference                  VARCHAR(32)   NOT NULL UNIQUE,
    title                      VARCHAR(200)  NOT NULL,
    status                     VARCHAR(32)   NOT NULL,
    register_role              VARCHAR(16)   NOT NULL,
    occurred_at                TIMESTAMP WITH TIME ZONE,
    detected_at                TIMESTAMP WITH TIME ZONE,
    aware_at                   TIMESTAMP WITH TIME ZONE NOT NULL,
    risk                       VARCHAR(16),
    nature                     VARCHAR(20000),
    subject_categories         VARCHAR(40000),
    approx_subjects            BIGINT,
    data_categories            VARCHAR(40000),
    approx_records             BIGINT,
    special_categories         BOOLEAN,
    contact_point              VARCHAR(2000),
    likely_consequences        VARCHAR(20000),
    measures_taken             VARCHAR(20000),
    measures_proposed          VARCHAR(20000),
    recommendations            VARCHAR(20000),
    unauthorised_party         VARCHAR(2000),
    root_cause                 VARCHAR(20000),
    impact_assessment          VARCHAR(20000),
    remediation_steps          VARCHAR(20000),
    lessons_learned            VARCHAR(20000),
    -- the person's notice in other languages: {"sw": {"nature": "...", ...}}
    translations               VARCHAR(200000),
    authority_notified_at      TIMESTAMP WITH TIME ZONE,
    authority_reference        VARCHAR(200),
    delay_reasons              VARCHAR(20000),
    not_notifiable_reason      VARCHAR(20000),
    users_notified_at          TIMESTAMP WITH TIME ZONE,
    user_notice_exception      VARCHAR(40),
    user_notice_exception_note VARCHAR(20000),
    public_notice              VARCHAR(20000),
    resolved_at                TIMESTAMP WITH TIME ZONE,
    created_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by                 VARCHAR(255)  NOT NULL,
    version                    BIGINT        DEFAULT 0 NOT NULL
);
CREATE INDEX breach_incident_status ON breach_incident (status, aware_at);

-- Every change of an incident, with its actor and time: appended, never updated or deleted.
-- Information given to the authority in phases (Art. 33(4)) is an entry of kind 'information'.
CREATE TABLE breach_event (
    id            VARCHAR(36)   NOT NULL PRIMARY KEY,
    incident_id   VARCHAR(36)   NOT NULL REFERENCES breach_incident (id),
    seq           INTEGER       NOT NULL,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    actor         VARCHAR(255)  NOT NULL,
    actor_name    VARCHAR(255),
    kind          VARCHAR(32)   NOT NULL,
    details       VARCHAR(1000000),
    UNIQUE (incident_id, seq)
);

-- References are numbered per year (BR-2026-0001); the row of a year is locked to take the next.
CREATE TABLE breach_counter (
    counter_year  INTEGER       NOT NULL PRIMARY KEY,
    last_number   INTEGER       NOT NULL
);

-- The person's notice (Art. 34), one per affected person: the user id only; the address and the
-- language are looked up in Keycloak when the mail is sent. Sent by a worker that claims rows with
-- SELECT ... FOR UPDATE SKIP LOCKED and retries with back-off.
CREATE TABLE breach_notice (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    incident_id      VARCHAR(36)   NOT NULL REFERENCES breach_incident (id),
    user_id          VARCHAR(255)  NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    locale           VARCHAR(8),
    attempts         INTEGER       DEFAULT 0 NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_until      TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(255),
    queued_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    queued_by        VARCHAR(255)  NOT NULL,
    sent_at          TIMESTAMP WITH TIME ZONE,
    address_verified BOOLEAN,
    -- SHA-256 of the subject and body sent: what the person was told
    content_hash     VARCHAR(64),
    version          BIGINT        DEFAULT 0 NOT NULL,
    UNIQUE (incident_id, user_id)
);
CREATE INDEX breach_notice_runnable ON breach_notice (status, next_attempt_at);
CREATE INDEX breach_notice_user ON breach_notice (user_id);
