-- The first record of a realm that did not continue the chain the intake had received (sticky):
-- a chain rewritten in Keycloak's database shows here even after the sink's last record and
-- newest anchor caught up with the rewrite.
ALTER TABLE audit_intake_realm ADD COLUMN first_break_seq BIGINT;
