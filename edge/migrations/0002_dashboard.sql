-- Statistics behind the dashboard: what happened in each conversation, derived once from its
-- events by GET /api/v1/sites/{site}/stats (edge/src/routes/dashboard.rs) and derived again
-- when its conversation_index entry changes (source_updated_at older than the index).
CREATE TABLE IF NOT EXISTS conversation_facts (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  handoff_at INTEGER,              -- first request for a person, queueing or take-over
  queued_at INTEGER,               -- first time it waited for an agent
  accepted_at INTEGER,             -- first agent joining after queueing, before any miss
  missed INTEGER NOT NULL DEFAULT 0,
  source_updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS conversation_facts_by_site ON conversation_facts (site_id, started_at);
