-- The agent's toolbox (issue 12). Canned replies: the site's (owner_id NULL, managed by its
-- admins) and each agent's personal ones; `uses` counts insertions from the composer.
CREATE TABLE IF NOT EXISTS canned_replies (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  owner_id TEXT REFERENCES agents(id) ON DELETE CASCADE,   -- NULL: the site's
  shortcut TEXT NOT NULL,          -- lower-case, no leading '/' (core::toolbox::canned)
  text TEXT NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- One shortcut per owner and site ('' stands for the site itself).
CREATE UNIQUE INDEX IF NOT EXISTS canned_replies_shortcut
  ON canned_replies (site_id, coalesce(owner_id, ''), shortcut);

-- The handoff summary lists a visitor's earlier conversations by email.
CREATE INDEX IF NOT EXISTS conversation_index_by_email
  ON conversation_index (site_id, lower(json_extract(summary, '$.visitor.email')));
