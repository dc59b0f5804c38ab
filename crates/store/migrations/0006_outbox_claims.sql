-- A worker claims a pending reply before sending it: `claimed_by` names the worker and
-- `claimed_until` (ms since the epoch) ends its lease, so two workers (or, in team mode, two
-- desktops) never send one reply twice, and a claim whose worker died lapses by itself.
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
ALTER TABLE messages ADD COLUMN claimed_until INTEGER;

-- Only the oldest pending reply of a session may be claimed, so a session's replies go out in order.
CREATE INDEX messages_pending_by_session ON messages (session_id, id) WHERE delivery = 'pending';
