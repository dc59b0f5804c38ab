-- Team mode: a reply written on this desktop waits here with the id this desktop gave it
-- (client_id) and a negative local id, so it never collides with the team's ids, until it is
-- pushed to the team; the team's copy, arriving through the change log with the same client_id,
-- takes its place.
ALTER TABLE messages ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX messages_by_client_id ON messages (client_id) WHERE client_id IS NOT NULL;
