-- Refused email replies hold the sender's address, which is the visitor's: a visitor's export
-- and erase by email cover them (privacy). The site is recorded when the reply address is one
-- of ours for a known ticket; a forged or unknown address belongs to no site (NULL).
ALTER TABLE refused_emails ADD COLUMN site_id TEXT;
CREATE INDEX IF NOT EXISTS refused_emails_by_sender ON refused_emails (lower(sender));
