-- Self-service onboarding (issue 17): sign-ups waiting for their email to be verified, one-time
-- invitation links (an operator's invitation to sign up; an admin's invitation to a team for an
-- email without an account), the operator's runtime sign-up mode, and when a site's widget
-- first loaded from one of its origins.

-- A sign-up becomes an account only when its emailed link is used (with the same password),
-- so nobody can hold an address they do not read.
CREATE TABLE IF NOT EXISTS signups (
  token_hash TEXT PRIMARY KEY,     -- sha256 of the emailed token; the token itself is never stored
  email TEXT NOT NULL,             -- lower-cased
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  invitation_id TEXT,              -- the operator's invitation it used (invite-only mode)
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS signups_email ON signups (email);

CREATE TABLE IF NOT EXISTS invitation_links (
  id TEXT PRIMARY KEY,             -- what admins see and revoke by
  token_hash TEXT NOT NULL UNIQUE, -- sha256 of the emailed token
  kind TEXT NOT NULL CHECK (kind IN ('signup', 'team')),
  site_id TEXT,                    -- team invitations only
  email TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'agent',
  groups TEXT NOT NULL DEFAULT '[]',
  max_chats INTEGER NOT NULL DEFAULT 5,
  invited_by TEXT NOT NULL,        -- an agent id, or 'operator'
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER                  -- single use: kept, so a second use says so
);
CREATE INDEX IF NOT EXISTS invitation_links_site ON invitation_links (site_id, used_at);

-- The operator's overrides of deploy vars (only `signup` so far), set with the bootstrap token.
CREATE TABLE IF NOT EXISTS operator_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The first-run guide turns green once the widget has loaded from one of the site's origins.
ALTER TABLE sites ADD COLUMN connected_at INTEGER;
ALTER TABLE sites ADD COLUMN connected_origin TEXT;
