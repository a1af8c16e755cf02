-- Whether the officer who queued a notice allowed addresses the person set and never verified
-- (kinga.breach.notice-verified-addresses-only refuses them otherwise).
ALTER TABLE breach_notice ADD COLUMN allow_unverified BOOLEAN DEFAULT FALSE NOT NULL;
