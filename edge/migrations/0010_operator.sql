-- Operator API keys: an outside bot platform hands conversations over with one. The key itself
-- is shown once at creation and stored only as its SHA-256; revoked keys stay listed.
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name TEXT NOT NULL,               -- the channel agents see ("DialogStudio")
  key_hash TEXT NOT NULL UNIQUE,
  webhook_url TEXT NOT NULL,        -- where the platform receives agents' events
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS api_keys_by_site ON api_keys (site_id, created_at);
