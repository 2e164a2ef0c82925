-- Fixed-window counters for sign-in attempts and new conversations (core::limits).
CREATE TABLE IF NOT EXISTS rate_counters (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL
);

-- An admin adding an account that already exists elsewhere invites it; its owner accepts.
CREATE TABLE IF NOT EXISTS invitations (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  email TEXT NOT NULL,             -- as the admin typed it; the admin sees nothing else
  role TEXT NOT NULL,
  groups TEXT NOT NULL,
  max_chats INTEGER NOT NULL,
  invited_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (site_id, agent_id)
);
CREATE INDEX IF NOT EXISTS invitations_agent ON invitations (agent_id);
