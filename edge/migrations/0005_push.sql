-- Web Push: an agent's devices (one browser subscription each) and, per site, whether the
-- device is pushed for it. A device belongs to the session that subscribed it: signing out
-- removes it; a push service answering 404/410 removes it too.
CREATE TABLE IF NOT EXISTS push_devices (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  session_hash TEXT NOT NULL,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,            -- base64url P-256 point (the browser's key)
  auth TEXT NOT NULL,              -- base64url 16-byte secret; never returned by any route
  label TEXT NOT NULL,             -- what the agent sees in Settings → Notifications
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS push_devices_by_agent ON push_devices (agent_id);
CREATE INDEX IF NOT EXISTS push_devices_by_session ON push_devices (session_hash);

CREATE TABLE IF NOT EXISTS push_device_sites (
  device_id TEXT NOT NULL REFERENCES push_devices(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  enabled INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (device_id, site_id)
);
CREATE INDEX IF NOT EXISTS push_device_sites_by_site ON push_device_sites (site_id, enabled);
