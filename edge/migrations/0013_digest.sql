-- The email digest (issue 16): one row per agent and site that turned it on. `covered_until`:
-- the last digest reported everything up to then (at first, the moment it was turned on);
-- `origin`: where the agent turned it on, for links when PUBLIC_URL is not set.
CREATE TABLE IF NOT EXISTS email_digests (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  covered_until INTEGER NOT NULL,
  origin TEXT NOT NULL,
  PRIMARY KEY (agent_id, site_id)
);
