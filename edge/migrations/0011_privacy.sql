-- The visitor's data on request (issue 13, core::privacy): the erase log. One row per erase
-- request that removed something: who, when, how the conversations were found and how many rows
-- of each kind went. Never the data itself (no email, name, conversation id or message). Kept
-- for good: it is the proof the erase happened.
CREATE TABLE IF NOT EXISTS erasures (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  record TEXT NOT NULL             -- JSON of baton_core::privacy::ErasureRecord
);
CREATE INDEX IF NOT EXISTS erasures_by_site ON erasures (site_id, at DESC);
-- Tickets by the visitor's email, for an export or erase by email.
CREATE INDEX IF NOT EXISTS tickets_by_email ON tickets (site_id, lower(email));
-- Retention sweeps find a site's oldest indexed conversations.
CREATE INDEX IF NOT EXISTS conversation_index_by_age ON conversation_index (site_id, updated_at);
