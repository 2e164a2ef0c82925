-- The index row and the statistics facts are written through each conversation's outbox, and
-- "the newest wins" was decided by the source's updated_at alone. Two transitions in the same
-- millisecond (workerd's clock only moves between I/O) then tie, and a stale entry retried
-- after a crash (delivered after the newer one, e.g. "facts:12" sorts before "facts:9") won the
-- tie and stayed for good. The conversation's event sequence number breaks the tie: it grows
-- with every event, and both rows are functions of the events.
ALTER TABLE conversation_index ADD COLUMN source_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversation_facts ADD COLUMN source_seq INTEGER NOT NULL DEFAULT 0;
