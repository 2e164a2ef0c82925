-- Sites, agents, sessions, tickets and the Missed/Archived index. Live state (presence, waiting
-- and live chats, messages) lives in the Durable Objects, not here.
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  settings TEXT NOT NULL,          -- JSON of baton_core::SiteSettings
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,      -- lower-cased
  name TEXT NOT NULL,              -- shown to visitors
  password_hash TEXT NOT NULL,     -- pbkdf2-sha256$iterations$salt$hash
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS memberships (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
  groups TEXT NOT NULL DEFAULT '[]', -- JSON array; empty = every group
  max_chats INTEGER NOT NULL DEFAULT 5,
  PRIMARY KEY (agent_id, site_id)
);

CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,     -- sha256 of the bearer token; the token itself is never stored
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  message TEXT NOT NULL,
  transcript TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE INDEX IF NOT EXISTS tickets_by_site ON tickets (site_id, status, created_at DESC);

CREATE TABLE IF NOT EXISTS conversation_index (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  phase TEXT NOT NULL,
  summary TEXT NOT NULL,           -- JSON of baton_core::ConversationSummary
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS conversation_index_by_site ON conversation_index (site_id, phase, updated_at DESC);
