-- Data-subject requests (export, erasure) and every transition of each. Jobs are claimed by the
-- worker of any sidecar on this database with SELECT ... FOR UPDATE SKIP LOCKED, so two sidecars
-- never run one job at once; a job whose worker died (lease_until passed) is claimed again.
CREATE TABLE dsr_request (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    request_type     VARCHAR(16)   NOT NULL,
    subject          VARCHAR(255)  NOT NULL,
    subject_id       VARCHAR(255),
    status           VARCHAR(16)   NOT NULL,
    reason           VARCHAR(2000),
    grace_days       INTEGER,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    due_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    run_after        TIMESTAMP WITH TIME ZONE,
    lease_until      TIMESTAMP WITH TIME ZONE,
    attempts         INTEGER       DEFAULT 0 NOT NULL,
    last_error       VARCHAR(255),
    receipt          VARCHAR(200000),
    created_by       VARCHAR(255),
    -- the subject id while an erasure is open, else null: one open erasure per person, enforced by the database
    open_erasure     VARCHAR(255)  UNIQUE,
    version          BIGINT        DEFAULT 0 NOT NULL
);
CREATE INDEX dsr_request_runnable ON dsr_request (status, run_after);
CREATE INDEX dsr_request_subject ON dsr_request (subject_id);

CREATE TABLE dsr_transition (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    request_id   VARCHAR(36)   NOT NULL REFERENCES dsr_request (id),
    seq          INTEGER       NOT NULL,
    at           TIMESTAMP WITH TIME ZONE NOT NULL,
    from_status  VARCHAR(16),
    to_status    VARCHAR(16)   NOT NULL,
    actor        VARCHAR(255)  NOT NULL,
    note         VARCHAR(2000),
    UNIQUE (request_id, seq)
);

-- An export's archive, kept until expires_at (24 h by default) and then deleted. It is downloaded
-- through links: each link is a random token (only its SHA-256 is stored) that works once.
CREATE TABLE dsr_archive (
    request_id   VARCHAR(36)   NOT NULL PRIMARY KEY REFERENCES dsr_request (id),
    content      VARCHAR(10000000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE dsr_archive_link (
    token_hash   VARCHAR(64)   NOT NULL PRIMARY KEY,
    request_id   VARCHAR(36)   NOT NULL REFERENCES dsr_request (id),
    created_by   VARCHAR(255)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE
);

-- What each application connector did for a request: a connector whose call succeeded is not
-- called again when the job is re-run after a crash (each connector erases once).
CREATE TABLE dsr_connector_call (
    request_id   VARCHAR(36)   NOT NULL REFERENCES dsr_request (id),
    connector    VARCHAR(64)   NOT NULL,
    result       VARCHAR(200000) NOT NULL,
    done_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (request_id, connector)
);
