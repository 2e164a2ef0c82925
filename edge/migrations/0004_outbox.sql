-- Deliveries to someone else's server (ticket webhooks) that failed: written by the
-- conversation's outbox after each failed attempt, removed when a retry arrives, kept with
-- next_attempt_at NULL once given up (after a day). Admins read them in the dashboard.
CREATE TABLE IF NOT EXISTS delivery_failures (
  key TEXT PRIMARY KEY,            -- the idempotency key the receiver sees
  site_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL,              -- baton_core::outbox::DeliveryKind
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  first_failed_at INTEGER NOT NULL,
  last_failed_at INTEGER NOT NULL,
  next_attempt_at INTEGER          -- NULL: given up
);
CREATE INDEX IF NOT EXISTS delivery_failures_by_site ON delivery_failures (site_id, last_failed_at DESC);
