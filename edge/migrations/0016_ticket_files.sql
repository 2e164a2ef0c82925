-- Files an emailed reply brought (issue 14): the kept ones' references, as JSON
-- ([{"id","name","mime","size","inline"}]); the bytes are in R2 under the ticket's conversation.
ALTER TABLE ticket_messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
