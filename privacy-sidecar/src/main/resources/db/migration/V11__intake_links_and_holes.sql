-- Each record's hash and prevHash, so a record that arrives late (or a gap filled later) is checked
-- against its neighbours; and the lowest sequence number the intake never received, with since when:
-- a hole that stays open means the sink's view cannot vouch for the chain past it (Keycloak's verify
-- reports sink_gap), however the records after it look.
ALTER TABLE audit_intake_record ADD COLUMN hash VARCHAR(128);
ALTER TABLE audit_intake_record ADD COLUMN prev_hash VARCHAR(128);
CREATE INDEX audit_intake_record_seq ON audit_intake_record (realm_id, seq);
ALTER TABLE audit_intake_realm ADD COLUMN first_hole_seq BIGINT;
ALTER TABLE audit_intake_realm ADD COLUMN hole_since TIMESTAMP WITH TIME ZONE;
