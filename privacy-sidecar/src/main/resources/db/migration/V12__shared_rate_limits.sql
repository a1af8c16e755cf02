-- What each sidecar node's rate limits admitted per caller and minute, so that the nodes sharing
-- this database limit together (dev.kinga.ratelimit). bucket_key is a SHA-256 digest of the caller
-- (a subject or an address), never the caller; rows are deleted after two minutes.
CREATE TABLE rate_takes (
    limiter      VARCHAR(32) NOT NULL,
    node         VARCHAR(36) NOT NULL,
    bucket_key   VARCHAR(32) NOT NULL,
    epoch_minute BIGINT      NOT NULL,
    takes        BIGINT      NOT NULL,
    PRIMARY KEY (limiter, node, bucket_key, epoch_minute)
);
CREATE INDEX rate_takes_minute ON rate_takes (limiter, epoch_minute);
