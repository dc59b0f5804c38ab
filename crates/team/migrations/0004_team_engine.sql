-- What the engines of a team need beyond the data: the outbox's claims and attempts on each
-- reply (claimed by the holder of the channel's lease), and automated texts' origin.
ALTER TABLE messages ADD COLUMN attempted_at bigint;
ALTER TABLE messages ADD COLUMN claimed_by text;
ALTER TABLE messages ADD COLUMN claimed_until bigint;

-- The lease holder's outbox looks for the oldest pending reply of each session of its channel.
CREATE INDEX messages_pending_by_session ON messages (session_id, id) WHERE delivery = 'pending';
