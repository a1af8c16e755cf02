-- The newest audit anchor the intake received per realm: kept here, outside Keycloak's database,
-- so Keycloak's verify can tell a removed or renumbered anchor (docs/threat-model.md).
ALTER TABLE audit_intake_realm ADD COLUMN last_anchor_seq BIGINT;
ALTER TABLE audit_intake_realm ADD COLUMN last_anchor_hash VARCHAR(128);
