-- Tickets answered by email: each ticket's thread (agents' answers sent by email, visitors'
-- replies that came back through the Email Worker). A reply delivered twice (same Message-ID)
-- is stored once.
CREATE TABLE IF NOT EXISTS ticket_messages (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('agent', 'visitor')),
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  message_id TEXT,                 -- the email's Message-ID, for a visitor's reply
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_messages_by_ticket ON ticket_messages (ticket_id, created_at);
CREATE UNIQUE INDEX IF NOT EXISTS ticket_messages_once
  ON ticket_messages (site_id, message_id) WHERE message_id IS NOT NULL;

-- Replies refused by the Email Worker (a forged or unknown reply address): who sent what to
-- which address, never the content.
CREATE TABLE IF NOT EXISTS refused_emails (
  id TEXT PRIMARY KEY,
  sender TEXT NOT NULL,
  recipient TEXT NOT NULL,
  reason TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
