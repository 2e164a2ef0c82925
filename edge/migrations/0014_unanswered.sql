-- Questions the bot could not answer (issue 11), for the site's admins. One row per visitor
-- message, written by the conversation's outbox under `key` = "<conversation id>:<event seq>"
-- (INSERT … ON CONFLICT DO NOTHING: a repeated delivery stores nothing twice). `text` is the
-- visitor's message cut to 300 characters: visitor data, exported and erased with the
-- conversation. `status`: open, resolved (added to the knowledge base) or dismissed.
CREATE TABLE IF NOT EXISTS unanswered_questions (
  key TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  handled_at INTEGER
);
CREATE INDEX IF NOT EXISTS unanswered_questions_open
  ON unanswered_questions (site_id, status, at);
CREATE INDEX IF NOT EXISTS unanswered_questions_by_conversation
  ON unanswered_questions (site_id, conversation_id);
