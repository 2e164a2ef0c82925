-- The visitor's side (issue 13): the rating a visitor gave after a chat (1–5; thumbs down 1,
-- up 5), derived from the conversation's `rated` event like the other facts.
ALTER TABLE conversation_facts ADD COLUMN rating INTEGER;
