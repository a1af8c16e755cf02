-- Crypto-shredding: a token made for a data subject names them; erasing the subject destroys the
-- entry's wrapped data key and ciphertext (shredded_at set), so the value is gone for good and
-- detokenizing the token answers 410.
ALTER TABLE pii_token ADD COLUMN subject_id VARCHAR(255);
ALTER TABLE pii_token ADD COLUMN shredded_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX pii_token_subject ON pii_token (subject_id);
